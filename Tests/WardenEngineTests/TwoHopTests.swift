import Foundation
import Testing
import WardenConditions
@testable import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// `computed from tupleset` over direct tuples on both hops (``TwoHopRelation``) is answered without a walk: which
/// relations take that path, and, on random models and tuples, the same answer, error and depth as the walk gives
/// (a check with an explanation always walks).
@Suite("Two-hop checks without a walk")
struct TwoHopTests {
    static func relation(_ text: String, _ type: String, _ name: String) throws -> CompiledRelation? {
        CompiledModel(try DSLParser.parseModel(text)).relation(type, name)
    }

    /// The warehouse model with the restrictions given: products in warehouses (and depots), managed by users.
    static func model(
        parent: String, manager: String, depot: String = "define other: [user]", canWrite: String = "manager from warehouse"
    ) -> String {
        """
        model
          schema 1.1
        type user
        type team
          relations
            define member: [user]
        type warehouse
          relations
            define manager: \(manager)
            define staff: [user] or manager
        type depot
          relations
            \(depot)
        type product
          relations
            define warehouse: \(parent)
            define can_write: \(canWrite)
        condition small(x: int) {
          x < 10
        }
        """
    }

    @Test("only a tupleset of plain unconditioned objects whose computed relation is direct tuples of users")
    func eligibility() throws {
        let eligible = try #require(try Self.relation(Self.model(parent: "[warehouse]", manager: "[user, user:*]"), "product", "can_write"))
        #expect(eligible.twoHop?.tupleset == "warehouse")
        #expect(eligible.twoHop?.computed == "manager")
        // Conditions on the second hop are evaluated as a direct relation's are; a parent type without the relation
        // grants nothing.
        #expect(try Self.relation(Self.model(parent: "[warehouse, depot]", manager: "[user with small]"), "product", "can_write")?.twoHop != nil)
        // Anything that could recurse, be conditioned on the first hop or stand for a userset walks.
        #expect(try Self.relation(Self.model(parent: "[warehouse with small]", manager: "[user]"), "product", "can_write")?.twoHop == nil)
        #expect(try Self.relation(Self.model(parent: "[warehouse, team#member]", manager: "[user]"), "product", "can_write")?.twoHop == nil)
        #expect(try Self.relation(Self.model(parent: "[warehouse:*]", manager: "[user]"), "product", "can_write")?.twoHop == nil)
        #expect(try Self.relation(Self.model(parent: "[warehouse]", manager: "[user, team#member]"), "product", "can_write")?.twoHop == nil)
        #expect(try Self.relation(Self.model(parent: "[warehouse]", manager: "[user]", canWrite: "staff from warehouse"), "product", "can_write")?.twoHop == nil)
        #expect(try Self.relation(Self.model(parent: "[warehouse]", manager: "[user]", canWrite: "[user] or manager from warehouse"), "product", "can_write")?.twoHop == nil)
    }

    /// A random model of the two-hop shape: which types the tupleset admits, which users the managers are.
    static func randomModel(using random: inout SeededGenerator) -> String {
        func someOf(_ choices: [String]) -> String {
            var picked = choices.filter { _ in Bool.random(using: &random) }
            if picked.isEmpty { picked = [choices.randomElement(using: &random)!] }
            return "[" + picked.joined(separator: ", ") + "]"
        }
        let depot = Bool.random(using: &random) ? "define manager: \(someOf(["user", "user:*", "user with small"]))" : "define other: [user]"
        // Sometimes a tupleset the two-hop path does not take: then both answers come from the walk.
        let parents = Int.random(in: 0..<8, using: &random) == 0 ? "[warehouse, team#member]" : someOf(["warehouse", "depot"])
        return model(parent: parents, manager: someOf(["user", "user:*", "user with small"]), depot: depot)
    }

    /// Tuples of every kind that matters, admitted by the model or not (a store keeps what an older model allowed).
    static func randomTuples(using random: inout SeededGenerator) throws -> [RelationshipTuple] {
        var tuples: [RelationshipTuple] = []
        for _ in 0..<Int.random(in: 0..<30, using: &random) {
            let product = "product:p\(Int.random(in: 0..<4, using: &random))"
            let parent = ["warehouse:w\(Int.random(in: 0..<3, using: &random))", "depot:d\(Int.random(in: 0..<2, using: &random))"]
                .randomElement(using: &random)!
            let user = ["user:u\(Int.random(in: 0..<4, using: &random))", "user:*"].randomElement(using: &random)!
            let condition = [nil, TupleCondition(name: "small"), TupleCondition(name: "small", context: .object([("x", .number("3"))])),
                TupleCondition(name: "small", context: .object([("x", .number("30"))]))].randomElement(using: &random)!
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                tuples.append(RelationshipTuple(try TupleKey(object: product, relation: "warehouse", user: parent)))
            case 4:
                tuples.append(RelationshipTuple(try TupleKey(object: product, relation: "warehouse", user: "team:t0#member")))
            case 5:
                tuples.append(RelationshipTuple(try TupleKey(object: product, relation: "warehouse", user: parent), condition: TupleCondition(name: "small")))
            default:
                tuples.append(RelationshipTuple(try TupleKey(object: parent, relation: "manager", user: user), condition: condition))
            }
        }
        var seen = Set<TupleKey>()
        return tuples.filter { seen.insert($0.key).inserted }
    }

    /// What a check came to: the answer and the depth, or the error's code.
    enum Answer: Equatable {
        case answered(Bool, depth: Int)
        case failed(CheckError.Code)
    }

    static func answer(_ body: () throws -> CheckResult) -> Answer {
        do {
            let result = try body()
            return .answered(result.allowed, depth: result.depth)
        } catch let error as CheckError {
            return .failed(error.code)
        } catch {
            return .failed(.store)
        }
    }

    /// The same answer or the same error, whatever depth each reports.
    static func sameOutcome(_ lhs: Answer, _ rhs: Answer) -> Bool {
        switch (lhs, rhs) {
        case (.answered(let left, _), .answered(let right, _)): left == right
        default: lhs == rhs
        }
    }

    @Test("random two-hop models answer as the walk does: answers, condition errors, depth limits, with and without the cache")
    func agreesWithTheWalk() throws {
        var random = SeededGenerator(seed: 17)
        var twoHopChecks = 0
        var granted = 0
        var failed = 0
        for round in 0..<150 {
            let text = Self.randomModel(using: &random)
            let directory = round % 10 == 0 ? try TemporaryDirectory() : nil
            let store: any TupleStore = try directory.map { try LMDBTupleStore(path: $0.path) } ?? MemoryTupleStore()
            let fixture = try EngineFixture(model: text, store: store, keeping: directory)
            let tuples = try Self.randomTuples(using: &random)
            if !tuples.isEmpty { try fixture.store.write(WriteBatch(writes: tuples), store: fixture.storeID) }
            let isTwoHop = fixture.model.relation("product", "can_write")?.twoHop != nil
            var configuration = CheckEngine.Configuration()
            configuration.maximumDepth = [1, 2, 25].randomElement(using: &random)!
            let cache = Bool.random(using: &random) ? CheckCache() : nil
            let engine = CheckEngine(configuration: configuration, conditions: CELConditions(), cache: cache)
            for product in 0..<4 {
                for user in ["user:u0", "user:u1", "user:u2", "user:u3"] {
                    let context: JSONValue? = [nil, .object([("x", .number("5"))]), .object([("x", .number("50"))])].randomElement(using: &random)!
                    // Twice on the fast path: the second may come from the cache the first filled.
                    let fast = Self.answer { try fixture.check(user, "can_write", "product:p\(product)", engine: engine, context: context) }
                    let again = Self.answer { try fixture.check(user, "can_write", "product:p\(product)", engine: engine, context: context) }
                    let walked = Self.answer {
                        try fixture.check(user, "can_write", "product:p\(product)", engine: engine, context: context, explain: true)
                    }
                    let label = "round \(round), \(user) on product:p\(product), context \(String(describing: context)):\n\(text)\n\(tuples)"
                    // The depth is compared without the cache: a subproblem answered from it counts no depth.
                    #expect(cache == nil ? fast == walked : Self.sameOutcome(fast, walked), "\(label)")
                    #expect(Self.sameOutcome(again, walked), "second answer, \(label)")
                    if isTwoHop { twoHopChecks += 1 }
                    if case .answered(true, _) = fast { granted += 1 }
                    if case .failed = fast { failed += 1 }
                }
            }
        }
        // The sample exercises the path, and grants, denials and errors all occur.
        #expect(twoHopChecks > 1000)
        #expect(granted > 100)
        #expect(failed > 100)
    }
}

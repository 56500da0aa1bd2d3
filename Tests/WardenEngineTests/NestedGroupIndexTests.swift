import Testing
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// The nested-group index against the walk it replaces: random nesting (cycles, self-nesting, conditioned,
/// expiring and foreign tuples) changed by random batches of writes and deletes while the clock moves past expiries, every check answered with the index and
/// without it, at depth limits low enough that depth errors are common. After every batch the store's own
/// consistency check recomputes the index from scratch and compares.
@Suite("Nested-group index")
struct NestedGroupIndexTests {
    static let model = """
        model
          schema 1.1
        type user
        type employee
        type group
          relations
            define member: [user, group#member]
            define owner: [user]
            define admin: [user] or owner
        type folder
          relations
            define parent: [folder]
            define viewer: [group#member] or viewer from parent
        """

    enum Answer: Equatable, CustomStringConvertible {
        case yes, no, depthError, other(String)
        var description: String {
            switch self {
            case .yes: "yes"
            case .no: "no"
            case .depthError: "depth error"
            case .other(let text): text
            }
        }
    }

    static func answer(_ fixture: EngineFixture, _ user: String, _ relation: String, _ object: String, index: Bool, depth: Int) -> Answer {
        do {
            return try fixture.check(user, relation, object, engine: engine(index: index, depth: depth)).allowed ? .yes : .no
        } catch let error as CheckError where error.code == .resolutionTooComplex {
            return .depthError
        } catch {
            return .other("\(error)")
        }
    }

    static func engine(index: Bool, depth: Int) -> CheckEngine {
        var configuration = CheckEngine.Configuration()
        configuration.maximumDepth = depth
        configuration.useNestedGroupIndex = index
        return CheckEngine(configuration: configuration, conditions: CELConditions())
    }

    /// ListObjects' answer (the objects, or the error), with the index or without.
    static func listed(_ fixture: EngineFixture, _ user: String, _ relation: String, _ type: String, index: Bool, depth: Int) -> String {
        let engine = engine(index: index, depth: depth)
        do {
            let request = ListObjectsRequest(user: try UserRef(parsing: user), relation: relation, objectType: type)
            return try fixture.read { try Self.listObjects(engine, request, fixture.model, $0) }.objects.joined(separator: " ")
        } catch let error as CheckError where error.code == .resolutionTooComplex {
            return "depth error"
        } catch {
            return "\(error)"
        }
    }

    /// ListUsers' answer for users and group usersets, with the index or without.
    static func listedUsers(_ fixture: EngineFixture, _ relation: String, _ object: String, index: Bool, depth: Int) -> String {
        let engine = engine(index: index, depth: depth)
        do {
            let request = ListUsersRequest(
                object: try ObjectRef(parsing: object), relation: relation,
                filters: [.init(type: "user"), .init(type: "group", relation: "member")])
            return try fixture.read { try Self.listUsers(engine, request, fixture.model, $0) }.map(\.description).joined(separator: " ")
        } catch let error as CheckError where error.code == .resolutionTooComplex {
            return "depth error"
        } catch {
            return "\(error)"
        }
    }

    private static func listObjects<S: TupleSnapshot>(
        _ engine: CheckEngine, _ request: ListObjectsRequest, _ model: CompiledModel, _ snapshot: S
    ) throws -> ListObjectsResult {
        try engine.listObjects(request, model: model, snapshot: snapshot)
    }

    private static func listUsers<S: TupleSnapshot>(
        _ engine: CheckEngine, _ request: ListUsersRequest, _ model: CompiledModel, _ snapshot: S
    ) throws -> [UserRef] {
        try engine.listUsers(request, model: model, snapshot: snapshot)
    }

    /// One random tuple of the kinds that matter: nesting (often), memberships, a conditioned nesting the model
    /// does not admit, an employee (a type the relation does not admit), an owner, a folder edge.
    static func randomTuple(groups: Int, using random: inout SeededGenerator) -> RelationshipTuple {
        var tuple = plainRandomTuple(groups: groups, using: &random)
        // Some expire, at instants the rounds' clock passes.
        if Int.random(in: 0..<6, using: &random) == 0 { tuple.expiresAtMilliseconds = base + UInt64(Int.random(in: 1...16, using: &random)) * 100 }
        return tuple
    }

    /// The instant the rounds start from; round r runs at `base + 100 r`.
    static let base: UInt64 = 1_900_000_000_000

    static func plainRandomTuple(groups: Int, using random: inout SeededGenerator) -> RelationshipTuple {
        let a = "g\(Int.random(in: 0..<groups, using: &random))"
        let b = "g\(Int.random(in: 0..<groups, using: &random))"
        let user = "u\(Int.random(in: 0..<4, using: &random))"
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<10: return try! EngineFixture.tuple("group:\(a)#member@group:\(b)#member")
        case 10..<15: return try! EngineFixture.tuple("group:\(a)#member@user:\(user)")
        case 15:
            var tuple = try! EngineFixture.tuple("group:\(a)#member@group:\(b)#member")
            tuple.condition = TupleCondition(name: "stale")
            return tuple
        case 16: return try! EngineFixture.tuple("group:\(a)#member@employee:\(user)")
        case 17: return try! EngineFixture.tuple("group:\(a)#owner@user:\(user)")
        case 18: return try! EngineFixture.tuple("folder:f\(a)#viewer@group:\(b)#member")
        default: return try! EngineFixture.tuple("folder:f\(a)#parent@folder:f\(b)")
        }
    }

    /// Random batches: a few writes of new tuples and deletes of stored ones, then every check both ways.
    static func differential(seed: UInt64, store: any TupleStore, groups: Int = 9, rounds: Int = 14) throws -> Int {
        var random = SeededGenerator(seed: seed)
        let fixture = try EngineFixture(model: model, store: store)
        var stored: [TupleKey: RelationshipTuple] = [:]
        var compared = 0
        let clock = (store as! any KeyValueTupleStore).snapshotFactory.clock
        defer { clock.set(milliseconds: nil) }
        for round in 0..<rounds {
            clock.set(milliseconds: base + UInt64(round) * 100)
            var writes: [TupleKey: RelationshipTuple] = [:]
            for _ in 0..<Int.random(in: 1...(round < 4 ? 12 : 4), using: &random) {
                let tuple = randomTuple(groups: groups, using: &random)
                if stored[tuple.key] == nil { writes[tuple.key] = tuple }
            }
            let deletes = stored.keys.sorted { $0.description < $1.description }.shuffled(using: &random).prefix(round < 4 ? 0 : Int.random(in: 0...3, using: &random))
                .filter { writes[$0] == nil }
            try store.write(WriteBatch(writes: Array(writes.values), deletes: Array(deletes)), store: fixture.storeID)
            for key in deletes { stored[key] = nil }
            stored.merge(writes) { $1 }
            let report = try (store as! any KeyValueTupleStore).checkConsistency()
            #expect(report.problems.isEmpty, "seed \(seed), round \(round): \(report.problems)")
            for depth in [2, 3, 4, 6, 25] {
                for user in (0..<4).map({ "user:u\($0)" }) + ["employee:u0"] {
                    for group in 0..<groups {
                        let walked = answer(fixture, user, "member", "group:g\(group)", index: false, depth: depth)
                        let indexed = answer(fixture, user, "member", "group:g\(group)", index: true, depth: depth)
                        #expect(
                            walked == indexed,
                            "seed \(seed), round \(round), depth \(depth): \(user) member group:g\(group), tuples \(described(stored))")
                        compared += 1
                    }
                    for (relation, type) in [("member", "group"), ("viewer", "folder")] {
                        let walked = listed(fixture, user, relation, type, index: false, depth: depth)
                        #expect(
                            walked == listed(fixture, user, relation, type, index: true, depth: depth),
                            "seed \(seed), round \(round), depth \(depth): list \(type) \(relation) of \(user), tuples \(described(stored))")
                        compared += 1
                    }
                    let folder = "folder:fg\(Int.random(in: 0..<groups, using: &random))"
                    #expect(
                        answer(fixture, user, "viewer", folder, index: false, depth: depth)
                            == answer(fixture, user, "viewer", folder, index: true, depth: depth),
                        "seed \(seed), round \(round), depth \(depth): \(user) viewer \(folder), tuples \(described(stored))")
                }
            }
            for depth in [2, 3, 4, 6, 25] {
                for object in (0..<groups).map({ "group:g\($0)" }) + ["folder:fg0", "folder:fg\(groups - 1)"] {
                    let relation = object.hasPrefix("group") ? "member" : "viewer"
                    let walked = listedUsers(fixture, relation, object, index: false, depth: depth)
                    #expect(
                        walked == listedUsers(fixture, relation, object, index: true, depth: depth),
                        "seed \(seed), round \(round), depth \(depth): list users of \(object)#\(relation), tuples \(described(stored))")
                    compared += 1
                }
            }
        }
        return compared
    }

    static func described(_ tuples: [TupleKey: RelationshipTuple]) -> [String] {
        tuples.values.map {
            "\($0.key)" + ($0.condition == nil ? "" : " with \($0.condition!.name)") + ($0.expiresAtMilliseconds.map { " until +\($0 - base)" } ?? "")
        }.sorted()
    }

    @Test("random nesting, writes and deletes: the index answers as the walk, depth errors included (memory store)",
        arguments: 1...16)
    func differentialMemory(seed: Int) throws {
        let compared = try Self.differential(seed: UInt64(seed), store: MemoryTupleStore())
        // Per round: 5 depths × (5 users × (9 groups + 2 lists) + 11 objects' users).
        #expect(compared == 14 * 5 * (5 * (9 + 2) + 11))
    }

    @Test("the same on LMDB", arguments: [101, 102])
    func differentialLMDB(seed: Int) throws {
        let directory = try TemporaryDirectory()
        _ = try Self.differential(seed: UInt64(seed), store: try LMDBTupleStore(path: directory.path))
    }

    @Test("hop counts and heights: a chain, a shortcut, a cycle, and a delete that lengthens a path")
    func hops() throws {
        let fixture = try EngineFixture(
            model: Self.model,
            tuples: ["group:a#member@group:b#member", "group:b#member@group:c#member", "group:c#member@group:d#member"])
        func hops(_ from: String, _ to: String) throws -> Int? {
            try fixture.read { try $0.nestedHops(type: "group", relation: "member", from: from, to: to) }
        }
        func height(_ of: String) throws -> Int { try fixture.read { try $0.nestingHeight(type: "group", relation: "member", of: of) } }
        #expect(try fixture.read { try $0.hasNestedGroupIndex() })
        #expect(try hops("a", "d") == 3)
        #expect(try hops("d", "a") == nil)
        #expect(try height("a") == 3)
        #expect(try height("d") == 0)
        try fixture.write(["group:a#member@group:c#member", "group:d#member@group:a#member"])
        #expect(try hops("a", "d") == 2)
        #expect(try hops("d", "b") == 2)
        #expect(try hops("d", "d") == nil)
        #expect(try height("a") == 2)
        try fixture.store.write(WriteBatch(deletes: [try EngineFixture.tuple("group:a#member@group:c#member").key]), store: fixture.storeID)
        #expect(try hops("a", "d") == 3)
        #expect(try height("a") == 3)
    }

    @Test("a conditioned nesting is no edge; contextual tuples make the check walk")
    func conditionedAndContextual() throws {
        var conditioned = try EngineFixture.tuple("group:a#member@group:b#member")
        conditioned.condition = TupleCondition(name: "stale")
        let fixture = try EngineFixture(model: Self.model, tuples: ["group:b#member@user:anne"])
        try fixture.store.write(WriteBatch(writes: [conditioned]), store: fixture.storeID)
        #expect(try fixture.read { try $0.nestedHops(type: "group", relation: "member", from: "a", to: "b") } == nil)
        #expect(try !fixture.check("user:anne", "member", "group:a").allowed)
        #expect(try fixture.check("user:anne", "member", "group:a", contextual: ["group:a#member@group:c#member", "group:c#member@group:b#member"]).allowed)
    }

    @Test("off, the store keeps no index and checks walk; rebuilt, it is back and consistent, beside a store whose index sorts after it", arguments: [false, true])
    func offAndRebuild(lmdb: Bool) throws {
        let directory = try TemporaryDirectory()
        if lmdb {
            try Self.offAndRebuild(try LMDBTupleStore(path: directory.path), directory)
        } else {
            try Self.offAndRebuild(MemoryTupleStore(), directory)
        }
    }

    static func offAndRebuild(_ store: some KeyValueTupleStore, _ directory: TemporaryDirectory) throws {
        let fixture = try EngineFixture(
            model: Self.model, tuples: ["group:a#member@group:b#member", "group:b#member@user:anne"], store: store, keeping: directory)
        // A second store, numbered after the first: its index keys sort after the first store's. Rebuilding the
        // first store's index writes keys before them (a backend cannot just append); rebuilding the second's, after.
        let later = try store.createStore(name: "later").id
        try store.write(WriteBatch(writes: [try EngineFixture.tuple("group:x#member@group:y#member"), try EngineFixture.tuple("group:y#member@group:z#member")]), store: later)
        for id in [fixture.storeID, later] {
            try store.setNestedGroupIndex(on: false, store: id)
            #expect(try store.nestedGroupIndex(store: id) == false)
        }
        #expect(try !fixture.read { try $0.hasNestedGroupIndex() })
        #expect(try fixture.check("user:anne", "member", "group:a").allowed)
        try fixture.write(["group:b#member@group:c#member"])
        try store.setNestedGroupIndex(on: true, store: later)
        try store.setNestedGroupIndex(on: true, store: fixture.storeID)
        #expect(try fixture.read { try $0.nestedHops(type: "group", relation: "member", from: "a", to: "c") } == 2)
        #expect(try store.read(store: later) { try $0.nestedHops(type: "group", relation: "member", from: "x", to: "z") } == 2)
        #expect(try store.checkConsistency().problems.isEmpty)
    }

    @Test("found by the differential test: a group holding only itself makes one more round, so a check reached deeper errs")
    func selfNestedOnly() throws {
        let fixture = try EngineFixture(
            model: Self.model,
            tuples: ["folder:f#viewer@group:g4#member", "group:g4#member@group:g4#member", "group:g6#member@user:u1"])
        for depth in [2, 3, 4] {
            let walked = Self.answer(fixture, "user:u1", "viewer", "folder:f", index: false, depth: depth)
            #expect(walked == (depth <= 3 ? .depthError : .no))
            #expect(Self.answer(fixture, "user:u1", "viewer", "folder:f", index: true, depth: depth) == walked)
        }
    }

    @Test("a 40-level chain: the index gives the walk's depth error at 26 hops, and a yes at 25")
    func deepChain() throws {
        let fixture = try EngineFixture(model: Self.model, tuples: (0..<40).map { "group:g\($0)#member@group:g\($0 + 1)#member" } + ["group:g40#member@user:anne"])
        for start in [15, 16, 14, 0] {
            let walked = Self.answer(fixture, "user:anne", "member", "group:g\(start)", index: false, depth: 25)
            let indexed = Self.answer(fixture, "user:anne", "member", "group:g\(start)", index: true, depth: 25)
            #expect(walked == indexed)
            #expect(indexed == (40 - start <= 25 ? .yes : .depthError))
        }
        #expect(Self.answer(fixture, "user:bob", "member", "group:g0", index: true, depth: 25) == .no)
        try fixture.write(["group:zzz#member@user:bob"])
        #expect(Self.answer(fixture, "user:bob", "member", "group:g0", index: true, depth: 25) == .depthError)
        #expect(Self.answer(fixture, "user:bob", "member", "group:g30", index: true, depth: 25) == .no)
    }

    @Test("ids as long as a stored key allows: read from keys built on the stack, the same answers with the index and without", arguments: [false, true])
    func longestIDs(lmdb: Bool) throws {
        // A membership's forward key holds both ids: 200 and 280 bytes make it 490 of the 511 a key may have.
        func group(_ letter: Character) -> String { "group:" + String(repeating: letter, count: 200) }
        let user = "user:" + String(repeating: "u", count: 280)
        let directory = try TemporaryDirectory()
        let store: any TupleStore = lmdb ? try LMDBTupleStore(path: directory.path) : MemoryTupleStore()
        let fixture = try EngineFixture(
            model: Self.model,
            tuples: ["\(group("a"))#member@\(group("b"))#member", "\(group("b"))#member@\(group("c"))#member", "\(group("c"))#member@\(user)"],
            store: store, keeping: directory)
        for (object, expected) in [(Character("a"), Answer.yes), ("b", .yes), ("c", .yes), ("d", .no)] {
            #expect(Self.answer(fixture, user, "member", group(object), index: true, depth: 25) == expected)
            #expect(Self.answer(fixture, user, "member", group(object), index: false, depth: 25) == expected)
        }
        #expect(Self.answer(fixture, user, "member", group("a"), index: true, depth: 1) == .depthError)
        #expect(Self.answer(fixture, user, "member", group("a"), index: false, depth: 1) == .depthError)
        let reach = try fixture.read {
            try $0.nearestNestedGroup(user: try ObjectRef(parsing: user), type: "group", relation: "member", from: String(repeating: "a", count: 200))
        }
        #expect(reach == NestedGroupReach(holdsAny: true, hops: 2))
        #expect(try fixture.read { try $0.nestingHeight(type: "group", relation: "member", of: String(repeating: "a", count: 200)) } == 2)
        // No stored key holds a NUL: such a group has nothing nested in it, such an object reaches no group, and
        // such a user is refused as a write of it would be.
        #expect(try fixture.read { try $0.nestingHeight(type: "group", relation: "member", of: "a\u{0}b") } == 0)
        let fromNul = try fixture.read {
            try $0.nearestNestedGroup(user: try ObjectRef(parsing: user), type: "group", relation: "member", from: "a\u{0}b")
        }
        #expect(fromNul == NestedGroupReach(holdsAny: true, hops: nil))
        #expect(throws: StoreError.self) {
            try fixture.read { try $0.nearestNestedGroup(user: ObjectRef(type: "user", id: "u\u{0}v"), type: "group", relation: "member", from: "a") }
        }
    }
}

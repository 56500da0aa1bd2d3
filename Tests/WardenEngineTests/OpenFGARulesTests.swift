import Testing
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// OpenFGA's rules for cycles, depth and conditions in tuple sets, each case with the answer `fga model test`
/// (OpenFGA v1.22's engine, in fga v0.8.2) gave, stable over repeated runs.
@Suite("OpenFGA's cycle, depth and condition rules")
struct OpenFGARulesTests {
    // MARK: Cycles

    @Test("an exclusion whose subtrahend meets a cycle is no: the cycle flag is not cleared where the cycle began")
    func cycleInSubtrahendOfRecursiveRelation() throws {
        let model = """
            model
              schema 1.1
            type user
            type t1
              relations
                define p0: [t1]
                define r0: [user, t1#r0] or r0 from p0
                define r1: ([user] or r1 from p0) but not r0
            """
        let fixture = try EngineFixture(model: model, tuples: ["t1:o1#p0@t1:o0", "t1:o0#p0@t1:o0", "t1:o1#r1@user:u0"])
        #expect(try !fixture.check("user:u0", "r1", "t1:o1").allowed)  // OpenFGA: false
        let (objects, users) = try Self.lists(fixture, user: "user:u0", relation: "r1", type: "t1", object: "t1:o1")
        #expect(objects.isEmpty)  // OpenFGA: []
        #expect(users.isEmpty)  // OpenFGA's ListUsers: [user:u0], against its own Check; Warden agrees with Check
    }

    @Test("ListUsers agrees with Check when the subtrahend leads back through a userset to the relation itself")
    func listUsersThroughCycle() throws {
        let model = """
            model
              schema 1.1
            type user
            type doc
              relations
                define blocked: [user, doc#viewer]
                define viewer: [user] but not blocked
            """
        let fixture = try EngineFixture(model: model, tuples: ["doc:3#viewer@user:bob", "doc:3#blocked@doc:3#viewer"])
        #expect(try !fixture.check("user:bob", "viewer", "doc:3").allowed)  // OpenFGA: false
        let (_, users) = try Self.lists(fixture, user: "user:bob", relation: "viewer", type: "doc", object: "doc:3")
        #expect(users.isEmpty)  // OpenFGA: []
    }

    // MARK: Depth

    static let folderChain = """
        model
          schema 1.1
        type user
        type folder
          relations
            define parent: [folder]
            define owner: [user]
            define viewer: [user] or viewer from parent
        """
    static let groupChain = """
        model
          schema 1.1
        type user
        type group
          relations
            define owner: [user]
            define member: [user, group#member]
        """
    static let guardedChain = """
        model
          schema 1.1
        type user
        type folder
          relations
            define parent: [folder]
            define blocked: [user]
            define viewer: ([user] or viewer from parent) but not blocked
        """

    /// A chain of `hops` parent (or userset) tuples from index 0 up to `hops`, plus `extra` tuples.
    static func chain(_ model: String, hops: Int, extra: [String]) throws -> EngineFixture {
        let links = (0..<hops).map { index in
            model == groupChain ? "group:g\(index)#member@group:g\(index + 1)#member" : "folder:f\(index)#parent@folder:f\(index + 1)"
        }
        return try EngineFixture(model: model, tuples: links + extra)
    }

    enum Answer: Equatable { case yes, no, depthError }

    static func answer(_ fixture: EngineFixture, _ user: String, _ relation: String, _ object: String) -> Answer {
        do {
            return try fixture.check(user, relation, object).allowed ? .yes : .no
        } catch let error as CheckError where error.code == .resolutionTooComplex {
            return .depthError
        } catch {
            return .no
        }
    }

    @Test("a recursive relation (OpenFGA's fast path) allows 25 hops and errs at the 26th",
        arguments: [(25, Answer.yes), (26, .depthError), (27, .depthError)])
    func recursiveDepth(_ hops: Int, _ expected: Answer) throws {
        let folders = try Self.chain(Self.folderChain, hops: hops, extra: ["folder:f\(hops)#viewer@user:u"])
        #expect(Self.answer(folders, "user:u", "viewer", "folder:f0") == expected)
        let groups = try Self.chain(Self.groupChain, hops: hops, extra: ["group:g\(hops)#member@user:u"])
        #expect(Self.answer(groups, "user:u", "member", "group:g0") == expected)
    }

    @Test("past the limit, a user the recursion cannot start from gets no; one with a tuple of that relation, the error")
    func recursiveDepthUsers() throws {
        let folders = try Self.chain(
            Self.folderChain, hops: 26, extra: ["folder:f3#owner@user:owner", "folder:zzz#viewer@user:elsewhere"])
        #expect(Self.answer(folders, "user:nobody", "viewer", "folder:f0") == .no)
        #expect(Self.answer(folders, "user:owner", "viewer", "folder:f0") == .no)
        #expect(Self.answer(folders, "user:elsewhere", "viewer", "folder:f0") == .depthError)
        let groups = try Self.chain(Self.groupChain, hops: 26, extra: ["group:g3#owner@user:owner", "group:zzz#member@user:elsewhere"])
        #expect(Self.answer(groups, "user:nobody", "member", "group:g0") == .no)
        #expect(Self.answer(groups, "user:owner", "member", "group:g0") == .no)
        #expect(Self.answer(groups, "user:elsewhere", "member", "group:g0") == .depthError)
    }

    @Test("any other relation allows 24 hops and errs at the 25th, for every user",
        arguments: [(24, Answer.yes, Answer.no), (25, .depthError, .depthError)])
    func ordinaryDepth(_ hops: Int, _ granted: Answer, _ nobody: Answer) throws {
        let fixture = try Self.chain(Self.guardedChain, hops: hops, extra: ["folder:f\(hops)#viewer@user:u"])
        #expect(Self.answer(fixture, "user:u", "viewer", "folder:f0") == granted)
        #expect(Self.answer(fixture, "user:nobody", "viewer", "folder:f0") == nobody)
    }

    // MARK: Conditions in tuple sets

    @Test("a tupleset tuple whose condition lacks a parameter is an error only when no other tuple passes")
    func conditionErrorsInTuplesets() throws {
        let model = """
            model
              schema 1.1
            type user
            type folder
              relations
                define viewer: [user]
            type doc
              relations
                define parent: [folder, folder with small]
                define viewer: viewer from parent
            condition small(x: int) {
              x < 10
            }
            """
        let fixture = try EngineFixture(model: model)
        var tuples = try ["doc:1#parent@folder:a", "doc:1#parent@folder:b", "doc:2#parent@folder:c"].map(EngineFixture.tuple)
        tuples[0].condition = TupleCondition(name: "small")
        tuples[2].condition = TupleCondition(name: "small")
        try fixture.store.write(WriteBatch(writes: tuples), store: fixture.storeID)
        #expect(try !fixture.check("user:u", "viewer", "doc:1").allowed)  // OpenFGA: false
        #expect(throws: CheckError.self) { try fixture.check("user:u", "viewer", "doc:2") }  // OpenFGA: missing [x]
    }

    /// ListObjects for (`user`, `relation`, `type`) and ListUsers of type user for (`object`, `relation`).
    // MARK: Request context

    @Test("a context key or string value holding a control character is refused with OpenFGA's message")
    func controlCharactersInContext() throws {
        let model = """
            model
              schema 1.1
            type user
            type doc
              relations
                define viewer: [user with cc]
            condition cc(s: string, p: string) {
              s.matches(p)
            }
            """
        let fixture = try EngineFixture(model: model, tuples: [])
        try fixture.write([])
        // Every case of the CEL fixture OpenFGA refused for its context, with OpenFGA's own message.
        var refused = 0
        for fields in try Fixtures.repositoryObjects("Tests/Fixtures/conditions/regex.json") {
            guard case .string(let message)? = fields["error"], message.contains("forbidden characters"),
                let pattern = fields["pattern"], let text = fields["text"]
            else { continue }
            refused += 1
            let context = JSONValue.object([("s", text), ("p", pattern)])
            #expect(throws: CheckError(.validation, "invalid context: " + message)) {
                try fixture.check("user:a", "viewer", "doc:1", context: context)
            }
        }
        #expect(refused == 6)
        let nestedKey = JSONValue.object([("s", .string("a")), ("p", .string("a")), ("m", .object([("k\n", .bool(true))]))])
        #expect(throws: CheckError(.validation, #"invalid context: context key "k\n" contains forbidden characters"#)) {
            try fixture.check("user:a", "viewer", "doc:1", context: nestedKey)
        }
        let fine = JSONValue.object([("s", .string("a\u{2028}\u{200B}b")), ("p", .string("b$"))])
        #expect(try !fixture.check("user:a", "viewer", "doc:1", context: fine).allowed)
    }

    static func lists(_ fixture: EngineFixture, user: String, relation: String, type: String, object: String) throws
        -> ([String], [UserRef])
    {
        try fixture.read { snapshot in
            let objects = try CheckBehaviourTests.listObjects(
                ListObjectsRequest(user: UserRef(parsing: user), relation: relation, objectType: type), fixture, snapshot)
            let users = try CheckBehaviourTests.listUsers(
                ListUsersRequest(object: ObjectRef(parsing: object), relation: relation, filters: [.init(type: "user")]),
                fixture, snapshot)
            return (objects.objects, users)
        }
    }
}

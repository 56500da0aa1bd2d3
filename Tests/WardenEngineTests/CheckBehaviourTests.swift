import Foundation
import Testing
import Warden
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// The engine's own promises beyond the corpus: limits, cycles, caching rules (OpenFGA's cache CVEs), explanations,
/// batch checks and ListObjects truncation.
@Suite("Check behaviour")
struct CheckBehaviourTests {
    static let folders = """
        model
          schema 1.1
        type user
        type group
          relations
            define member: [user, group#member]
        type folder
          relations
            define parent: [folder]
            define viewer: [user, group#member] or viewer from parent
        """

    @Test("a 10,000-long parent chain fails as too complex instead of overflowing the stack")
    func longChain() throws {
        let fixture = try EngineFixture(model: Self.folders, tuples: (1..<10_000).map { "folder:\($0)#parent@folder:\($0 - 1)" } + ["folder:0#viewer@user:anne"])
        #expect(throws: CheckError.resolutionTooComplex()) { try fixture.check("user:anne", "viewer", "folder:9999") }
        #expect(try fixture.check("user:anne", "viewer", "folder:20").allowed)
        #expect(try !fixture.check("user:bob", "viewer", "folder:20").allowed)
    }

    @Test("the depth limit is configurable and counts userset and parent hops only")
    func depthLimit() throws {
        let fixture = try EngineFixture(model: Self.folders, tuples: (1..<10).map { "folder:\($0)#parent@folder:\($0 - 1)" } + ["folder:0#viewer@user:anne"])
        var configuration = CheckEngine.Configuration()
        configuration.maximumDepth = 9
        let shallow = CheckEngine(configuration: configuration)
        #expect(try fixture.check("user:anne", "viewer", "folder:8", engine: shallow).allowed)
        #expect(throws: CheckError.resolutionTooComplex()) { try fixture.check("user:anne", "viewer", "folder:9", engine: shallow) }
    }

    @Test("a group containing itself answers no, not an error")
    func selfContainingGroup() throws {
        let fixture = try EngineFixture(model: Self.folders, tuples: ["group:g#member@group:g#member", "group:h#member@group:g#member", "group:g#member@group:h#member"])
        #expect(try !fixture.check("user:anne", "member", "group:g").allowed)
        try fixture.write(["group:h#member@user:anne"])
        #expect(try fixture.check("user:anne", "member", "group:g").allowed)
    }

    @Test("a wildcard for a million users answers without enumerating them")
    func millionMemberWildcard() throws {
        let model = """
            model
              schema 1.1
            type user
            type document
              relations
                define viewer: [user, user:*]
            """
        let fixture = try EngineFixture(model: model, tuples: ["document:public#viewer@user:*"])
        #expect(try fixture.check("user:u999999", "viewer", "document:public").allowed)
        let users = try fixture.read { snapshot in
            try Self.listUsers(ListUsersRequest(object: ObjectRef(type: "document", id: "public"), relation: "viewer", filters: [.init(type: "user")]), fixture, snapshot)
        }
        #expect(users == [.wildcard(type: "user")])
    }

    static func listUsers<S: TupleSnapshot>(_ request: ListUsersRequest, _ fixture: EngineFixture, _ snapshot: S) throws -> [UserRef] {
        try CheckEngine(conditions: CELConditions()).listUsers(request, model: fixture.model, snapshot: snapshot)
    }

    static func listObjects<S: TupleSnapshot>(_ request: ListObjectsRequest, _ fixture: EngineFixture, _ snapshot: S) throws -> ListObjectsResult {
        try CheckEngine(conditions: CELConditions()).listObjects(request, model: fixture.model, snapshot: snapshot)
    }

    @Test("a write moves the revision, so the cache never serves a stale yes")
    func cacheInvalidatedByWrite() throws {
        let fixture = try EngineFixture(model: Self.folders, tuples: ["folder:1#viewer@user:anne"])
        let cache = CheckCache()
        let engine = CheckEngine(conditions: CELConditions(), cache: cache)
        #expect(try fixture.check("user:anne", "viewer", "folder:1", engine: engine).allowed)
        #expect(cache.count > 0)
        try fixture.store.write(WriteBatch(deletes: [EngineFixture.tuple("folder:1#viewer@user:anne").key]), store: fixture.storeID)
        #expect(try !fixture.check("user:anne", "viewer", "folder:1", engine: engine).allowed)
    }

    @Test("context and contextual tuples bypass the cache")
    func cacheBypassedByContextualTuples() throws {
        let fixture = try EngineFixture(model: Self.folders)
        let cache = CheckCache()
        let engine = CheckEngine(conditions: CELConditions(), cache: cache)
        #expect(try fixture.check("user:anne", "viewer", "folder:1", engine: engine, contextual: ["folder:1#viewer@user:anne"]).allowed)
        #expect(cache.count == 0)
        #expect(try !fixture.check("user:anne", "viewer", "folder:1", engine: engine).allowed)
        #expect(try !fixture.check("user:anne", "viewer", "folder:1", engine: engine, context: .object([("x", .number("1"))])).allowed)
        #expect(try fixture.check("user:anne", "viewer", "folder:1", engine: engine, contextual: ["folder:1#viewer@user:anne"]).allowed)
    }

    @Test("an answer that met a cycle is never cached")
    func cycleNotCached() throws {
        // group:a member ← group:b member ← group:a member. Asking about a: b's "no" met a, still in progress, and
        // a's "no" carries that cycle flag up (as OpenFGA's does): neither enters the cross-request cache.
        // A typed wildcard keeps `member` off OpenFGA's recursive fast path, which meets no cycles.
        let model = Self.folders.replacingOccurrences(of: "[user, group#member]\n", with: "[user, user:*, group#member]\n")
        let fixture = try EngineFixture(model: model, tuples: ["group:a#member@group:b#member", "group:b#member@group:a#member"])
        let cache = CheckCache()
        let engine = CheckEngine(conditions: CELConditions(), cache: cache)
        #expect(try !fixture.check("user:anne", "member", "group:a", engine: engine).allowed)
        #expect(cache.count == 0)
        try fixture.write(["group:a#member@user:anne"])
        #expect(try fixture.check("user:anne", "member", "group:b", engine: engine).allowed)
    }

    @Test("cache keys are unambiguous: ids that concatenate alike answer apart")
    func unambiguousKeys() throws {
        let model = """
            model
              schema 1.1
            type user
            type doc
              relations
                define r: [user]
                define rx: [user]
            """
        let fixture = try EngineFixture(model: model, tuples: ["doc:a#r@user:xanne"])
        let engine = CheckEngine(conditions: CELConditions(), cache: CheckCache())
        #expect(try fixture.check("user:xanne", "r", "doc:a", engine: engine).allowed)
        #expect(try !fixture.check("user:anne", "rx", "doc:a", engine: engine).allowed)
        #expect(try !fixture.check("user:xanne", "rx", "doc:a", engine: engine).allowed)
    }

    @Test("a cycle inside the subtrahend fails the exclusion closed, as OpenFGA's Check does")
    func cycleInSubtrahend() throws {
        // folder:f1 is its own parent; f1's viewer for anne meets itself: "no, cycle". OpenFGA's exclusion answers
        // "no" when either side reports a cycle, so "owner from parent but not viewer from parent" is denied
        // (fga model test answers false, stable over runs).
        let model = """
            model
              schema 1.1
            type user
            type folder
              relations
                define parent: [folder]
                define owner: [user]
                define blocked: [user]
                define viewer: ([user] or viewer from parent) but not blocked
            type doc
              relations
                define parent: [folder]
                define r: owner from parent but not viewer from parent
            """
        let fixture = try EngineFixture(model: model, tuples: ["folder:f1#parent@folder:f1", "doc:d#parent@folder:f1", "folder:f1#owner@user:anne"])
        #expect(try !fixture.check("user:anne", "r", "doc:d").allowed)
        #expect(try !fixture.check("user:anne", "viewer", "folder:f1").allowed)
        let listed = try fixture.read { snapshot in
            try Self.listObjects(ListObjectsRequest(user: UserRef(parsing: "user:anne"), relation: "r", objectType: "doc"), fixture, snapshot)
        }
        #expect(listed.objects.isEmpty)
    }

    @Test("a batch with duplicate entries answers each one")
    func batchDuplicates() throws {
        let fixture = try EngineFixture(model: Self.folders, tuples: ["folder:1#viewer@user:anne", "folder:2#parent@folder:1"])
        let anne = try UserRef(parsing: "user:anne")
        let requests = [
            CheckRequest(user: anne, relation: "viewer", object: ObjectRef(type: "folder", id: "2")),
            CheckRequest(user: anne, relation: "viewer", object: ObjectRef(type: "folder", id: "2")),
            CheckRequest(user: anne, relation: "viewer", object: ObjectRef(type: "folder", id: "3")),
            CheckRequest(user: anne, relation: "viewer", object: ObjectRef(type: "folder", id: "3"), contextualTuples: [try EngineFixture.tuple("folder:3#parent@folder:1")]),
            CheckRequest(user: anne, relation: "nope", object: ObjectRef(type: "folder", id: "2")),
            CheckRequest(user: anne, relation: "viewer", object: ObjectRef(type: "folder", id: "2")),
        ]
        let results = try fixture.read { snapshot in try Self.batch(requests, fixture, snapshot) }
        #expect(results.map { try? $0.get() } == [true, true, false, true, nil, true])
    }

    static func batch<S: TupleSnapshot>(_ requests: [CheckRequest], _ fixture: EngineFixture, _ snapshot: S) throws -> [Result<Bool, CheckError>] {
        CheckEngine(conditions: CELConditions()).batchCheck(requests, model: fixture.model, snapshot: snapshot)
    }

    @Test("explain shows the granting path: tuples and rewrites")
    func explanation() throws {
        let fixture = try EngineFixture(model: Self.folders, tuples: ["group:eng#member@user:anne", "folder:1#viewer@group:eng#member", "folder:2#parent@folder:1"])
        let result = try fixture.check("user:anne", "viewer", "folder:2", explain: true)
        #expect(result.allowed)
        let path = try #require(result.explanation).grantingPath.rendered()
        #expect(path == """
            ✓ folder:2#viewer@user:anne
              ✓ union
                ✓ viewer from parent
                  ✓ folder:2#parent@folder:1  (tupleset tuple)
                    ✓ folder:1#viewer@user:anne
                      ✓ union
                        ✓ direct
                          ✓ folder:1#viewer@group:eng#member  (userset tuple)
                            ✓ group:eng#member@user:anne
                              ✓ direct
                                ✓ group:eng#member@user:anne  (tuple)
            """)
        let denied = try fixture.check("user:bob", "viewer", "folder:2", explain: true)
        #expect(!denied.allowed)
        #expect(try #require(denied.explanation).rendered().contains("✗ folder:1#viewer@group:eng#member  (userset tuple)"))
    }

    @Test("explain on OpenFGA's recursive fast path shows the ordinary walk's granting path")
    func explanationOnFastPath() throws {
        let model = OpenFGARulesTests.folderChain
        let fixture = try EngineFixture(model: model, tuples: ["folder:0#viewer@user:anne", "folder:1#parent@folder:0"])
        let result = try fixture.check("user:anne", "viewer", "folder:1", explain: true)
        #expect(result.allowed)
        let path = try #require(result.explanation).grantingPath.rendered()
        #expect(path == """
            ✓ folder:1#viewer@user:anne
              ✓ union
                ✓ viewer from parent
                  ✓ folder:1#parent@folder:0  (tupleset tuple)
                    ✓ folder:0#viewer@user:anne
                      ✓ union
                        ✓ direct
                          ✓ folder:0#viewer@user:anne  (tuple)
            """)
    }

    @Test("ListObjects says when it stops early and resumes from its token")
    func listObjectsContinuation() throws {
        let fixture = try EngineFixture(model: Self.folders, tuples: (1...5).map { "folder:\($0)#viewer@user:anne" })
        let first = try fixture.read { snapshot in
            try Self.listObjects(ListObjectsRequest(user: UserRef(parsing: "user:anne"), relation: "viewer", objectType: "folder", maximumResults: 2), fixture, snapshot)
        }
        #expect(first.objects == ["folder:1", "folder:2"])
        #expect(!first.isComplete)
        let rest = try fixture.read { snapshot in
            try Self.listObjects(ListObjectsRequest(user: UserRef(parsing: "user:anne"), relation: "viewer", objectType: "folder", maximumResults: 10, continuation: first.continuation), fixture, snapshot)
        }
        #expect(rest.objects == ["folder:3", "folder:4", "folder:5"])
        #expect(rest.isComplete)
        #expect(rest.continuation == nil)
    }

    @Test("a conditioned tuple never grants under FailClosedConditions")
    func failClosed() throws {
        let model = """
            model
              schema 1.1
            type user
            type doc
              relations
                define viewer: [user with ok]
            condition ok(x: int) {
              x < 10
            }
            """
        let fixture = try EngineFixture(model: model)
        try fixture.store.write(WriteBatch(writes: [RelationshipTuple(EngineFixture.tuple("doc:1#viewer@user:anne").key, condition: TupleCondition(name: "ok", context: .object([("x", .number("1"))])))]), store: fixture.storeID)
        #expect(try !fixture.check("user:anne", "viewer", "doc:1", engine: CheckEngine()).allowed)
        #expect(try fixture.check("user:anne", "viewer", "doc:1").allowed)
    }
}

@Suite("Expand")
struct ExpandTests {
    @Test("the userset tree one level deep, in OpenFGA's JSON shape")
    func tree() throws {
        let fixture = try EngineFixture(model: CheckBehaviourTests.folders, tuples: [
            "folder:2#viewer@user:anne", "folder:2#viewer@group:eng#member", "folder:2#parent@folder:1",
        ])
        let tree = try fixture.read { snapshot in try Self.expand(fixture, snapshot) }
        #expect(tree.json.compact == """
            {"name":"folder:2#viewer","union":{"nodes":[{"name":"folder:2#viewer","leaf":{"users":{"users":["user:anne","group:eng#member"]}}},\
            {"name":"folder:2#viewer","leaf":{"tupleToUserset":{"tupleset":"folder:2#parent","computed":[{"userset":"folder:1#viewer"}]}}}]}}
            """)
    }

    static func expand<S: TupleSnapshot>(_ fixture: EngineFixture, _ snapshot: S) throws -> UsersetTree {
        try CheckEngine().expand(relation: "viewer", object: ObjectRef(type: "folder", id: "2"), model: fixture.model, snapshot: snapshot)
    }
}

@Suite("Example models")
struct ExampleModelTests {
    @Test("the relationship tests of models/ pass (model_file and tuple_file resolve beside the test file)")
    func examples() throws {
        let root = Fixtures.repositoryRoot.appendingPathComponent("models").path
        let paths = try FileManager.default.contentsOfDirectory(atPath: root).sorted()
            .map { "\(root)/\($0)/model.fga.yaml" }.filter { FileManager.default.fileExists(atPath: $0) }
        #expect(paths.count == 3)
        let report = ModelTestRunner(engine: WardenDefaults.engine()).run(paths: paths)
        #expect(report.fileErrors.isEmpty)
        #expect(report.passed, "\(report.text)")
        #expect(report.checks.total == 71)
    }

    @Test("ListObjects past its deadline stops, says so, and resumes")
    func deadline() throws {
        let fixture = try EngineFixture(model: CheckBehaviourTests.folders, tuples: (1...3).map { "folder:\($0)#viewer@user:anne" })
        let result = try fixture.read { snapshot in try Self.listObjects(fixture, snapshot, deadline: .now - .seconds(1)) }
        #expect(result.objects.isEmpty)
        #expect(!result.isComplete)
        let all = try fixture.read { snapshot in try Self.listObjects(fixture, snapshot, deadline: nil) }
        #expect(all.objects == ["folder:1", "folder:2", "folder:3"])
    }

    static func listObjects<S: TupleSnapshot>(_ fixture: EngineFixture, _ snapshot: S, deadline: ContinuousClock.Instant?) throws -> ListObjectsResult {
        try CheckEngine().listObjects(
            ListObjectsRequest(user: UserRef(parsing: "user:anne"), relation: "viewer", objectType: "folder"), model: fixture.model,
            snapshot: snapshot, deadline: deadline)
    }
}

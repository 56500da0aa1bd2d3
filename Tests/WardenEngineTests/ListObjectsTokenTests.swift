import Testing
import WardenEngine
import WardenModel
import WardenStore

/// Hardening finding 6: ListObjects never stops silently, and its continuation token is opaque and validated.
@Suite("Hardening: ListObjects continuation tokens")
struct ListObjectsTokenTests {
    static func list(
        _ fixture: EngineFixture, relation: String = "viewer", maximum: Int? = nil, continuation: String? = nil,
        deadline: ContinuousClock.Instant? = nil
    ) throws -> ListObjectsResult {
        try fixture.read { snapshot in
            try Self.run(fixture, snapshot, ListObjectsRequest(
                user: try UserRef(parsing: "user:anne"), relation: relation, objectType: "folder", maximumResults: maximum,
                continuation: continuation), deadline)
        }
    }

    private static func run<S: TupleSnapshot>(
        _ fixture: EngineFixture, _ snapshot: S, _ request: ListObjectsRequest, _ deadline: ContinuousClock.Instant?
    ) throws -> ListObjectsResult {
        try CheckEngine().listObjects(request, model: fixture.model, snapshot: snapshot, deadline: deadline)
    }

    static func fixture() throws -> EngineFixture {
        try EngineFixture(model: CheckBehaviourTests.folders, tuples: (1...5).map { "folder:\($0)#viewer@user:anne" })
    }

    @Test("finding 6: a deadline hit before the first object still says so, with a token that resumes from the start")
    func deadlineBeforeFirstObject() throws {
        let fixture = try Self.fixture()
        let stopped = try Self.list(fixture, deadline: .now - .seconds(1))
        #expect(stopped.objects.isEmpty)
        #expect(!stopped.isComplete)
        let token = try #require(stopped.continuation)
        let resumed = try Self.list(fixture, continuation: token)
        #expect(resumed.objects == (1...5).map { "folder:\($0)" })
        #expect(resumed.isComplete)
    }

    @Test("finding 6: pages resume exactly, with no object twice or missing")
    func pagesResumeExactly() throws {
        let fixture = try Self.fixture()
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try Self.list(fixture, maximum: 2, continuation: token)
            seen += page.objects
            token = page.continuation
            #expect(page.isComplete == (token == nil))
        } while token != nil
        #expect(seen == (1...5).map { "folder:\($0)" })
    }

    @Test("finding 6: a garbage token, a token of another request, or one from an older revision is an error")
    func invalidTokens() throws {
        let fixture = try Self.fixture()
        #expect(throws: CheckError.self) { try Self.list(fixture, continuation: "folder:3") }
        #expect(throws: CheckError.self) { try Self.list(fixture, continuation: "!!!") }
        let token = try #require(try Self.list(fixture, maximum: 2).continuation)
        #expect(throws: CheckError.self) { try Self.list(fixture, relation: "parent", continuation: token) }
        try fixture.write(["folder:9#viewer@user:anne"])
        #expect(throws: CheckError.self) { try Self.list(fixture, continuation: token) }
    }
}

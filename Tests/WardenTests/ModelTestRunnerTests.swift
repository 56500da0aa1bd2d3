import Foundation
import Synchronization
import Testing
import Warden
import WardenEngine
import WardenModel
import WardenTestSupport

/// `warden model test` shares a test's checks between cores: the report must be the one a single thread writes.
@Suite("model test: checks shared between threads")
struct ModelTestRunnerTests {
    static let users = 600
    static let checks = 1_500

    /// A store file of `users` direct tuples (`doc:dI` viewer `user:uI`) and `checks` checks of `user:u(k % users)` on
    /// `doc:d(7k % users)`, each expecting true: a check passes exactly when the two numbers are equal.
    static func storeFile(in directory: TemporaryDirectory) throws -> String {
        var lines = ["name: shares", "model: |", "  model", "    schema 1.1", "  type user", "  type doc", "    relations",
                     "      define viewer: [user]", "tuples:"]
        for index in 0..<users {
            lines += ["- user: user:u\(index)", "  relation: viewer", "  object: doc:d\(index)"]
        }
        lines += ["tests:", "- name: many checks", "  check:"]
        for k in 0..<checks {
            lines += ["  - user: user:u\(k % users)", "    object: doc:d\(7 * k % users)", "    assertions:", "      viewer: true"]
        }
        let path = directory.path + "/shares.fga.yaml"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the threads' failures are joined in the file's order: the report equals one thread's, line for line")
    func sameReportAsOneThread() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.storeFile(in: directory)
        let threads = ThreadLog()
        let shared = ModelTestRunner(backend: Observed(concurrent: true, threads: threads)).run(paths: [path])
        let alone = ModelTestRunner(backend: Observed(concurrent: false, threads: ThreadLog())).run(paths: [path])

        let failing = (0..<Self.checks).filter { $0 % Self.users != 7 * $0 % Self.users }
        #expect(shared.checks == ModelTestReport.Tally(passing: Self.checks - failing.count, total: Self.checks))
        let expected = failing.map {
            "Check(user=user:u\($0 % Self.users),relation=viewer,object=doc:d\(7 * $0 % Self.users)): expected=true, got=false"
        }
        #expect(shared.tests.first?.failures == expected)
        #expect(shared.text == alone.text)
        // Never more threads than shares (how many Dispatch lends at once depends on what else runs).
        #expect((1...(Self.checks / 256)).contains(threads.ids.withLock { $0.count }))
    }

    /// The threads that asked a session something.
    final class ThreadLog: Sendable {
        let ids = Mutex<Set<UInt64>>([])
    }

    /// The embedded engine's sessions, saying whether they answer concurrently and noting the threads that ask.
    struct Observed: ModelTestBackend {
        let concurrent: Bool
        let threads: ThreadLog

        func session(model: CompiledModel, tuples: [RelationshipTuple]) throws -> any ModelTestSession {
            Session(inner: try EngineTestBackend().session(model: model, tuples: tuples), concurrent: concurrent, threads: threads)
        }
    }

    struct Session: ModelTestSession {
        let inner: any ModelTestSession
        let concurrent: Bool
        let threads: ThreadLog

        var answersConcurrently: Bool { concurrent }

        func check(_ request: CheckRequest) throws -> Bool {
            threads.ids.withLock { _ = $0.insert(UInt64(pthread_self())) }
            return try inner.check(request)
        }

        func listObjects(_ request: ListObjectsRequest) throws -> [String] { try inner.listObjects(request) }
        func listUsers(_ request: ListUsersRequest) throws -> [String] { try inner.listUsers(request) }
    }
}

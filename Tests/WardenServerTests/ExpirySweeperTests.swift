import Foundation
import Logging
import Testing
import Warden
import WardenModel
import WardenStore
import WardenTestSupport
@testable import WardenServer

/// The server's background sweeper: what it deletes it logs, and a sweep that fails says which store and why
/// instead of failing silently round after round.
@Suite("Expiry sweeper")
struct ExpirySweeperTests {
    /// Log lines as `level: message`, for the test to read.
    final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    struct Capturing: LogHandler {
        let captured: Captured
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            captured.append("\(level): \(message)")
        }
    }

    /// Runs a sweeper every 10 ms over `warden` until a line matching `done` is logged (or 10 s pass).
    static func sweep(_ warden: Warden, until done: @escaping @Sendable (String) -> Bool) async throws -> [String] {
        let captured = Captured()
        let sweeper = ExpirySweeper(
            warden: warden, interval: .milliseconds(10), logger: Logger(label: "test") { _ in Capturing(captured: captured) })
        let task = Task { try await sweeper.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !captured.all.contains(where: done) { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        _ = try? await task.value
        return captured.all
    }

    @Test("a read-only store cannot be swept: the warning names the store; writable, the deletes are logged")
    func failuresAreLogged() async throws {
        let data = try TemporaryDirectory()
        let store: String
        do {
            let warden = try Warden(dataDirectory: data.path)
            store = try warden.createStore(name: "s").id
            _ = try warden.writeModel(
                try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n"), store: store)
            let tuple = RelationshipTuple(try TupleKey(object: "doc:1", relation: "viewer", user: "user:anne"), expiresAtMilliseconds: 1_000)
            try warden.write(WriteBatch(writes: [tuple]), store: store)
        }
        do {
            var configuration = LMDBEnvironment.Configuration()
            configuration.readOnly = true
            let readOnly = try Warden(tuples: try LMDBTupleStore(path: data.path, configuration: configuration))
            let lines = try await Self.sweep(readOnly) { $0.hasPrefix("warning") }
            let warning = try #require(lines.first { $0.hasPrefix("warning") })
            #expect(warning.hasPrefix("warning: expired tuples not swept: store '\(store)': "), "\(warning)")
            #expect(!lines.contains { $0.hasPrefix("info: swept") })
        }
        let writable = try Warden(dataDirectory: data.path)
        let lines = try await Self.sweep(writable) { $0.hasPrefix("info: swept") }
        #expect(lines.filter { $0.hasPrefix("info") } == ["info: swept 1 expired tuple(s)"])
        #expect(!lines.contains { $0.hasPrefix("warning") })
    }
}

import Foundation
import Logging
import Testing
import Warden
import WardenModel
import WardenStore
import WardenTestSupport
@testable import WardenServer

/// The server's background sweeper's round: what it deletes it logs, and a sweep that fails says which store and
/// why instead of failing silently round after round. (A live server's sweeper runs in ServerTests.)
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

        func log(event: LogEvent) {
            captured.append("\(event.level): \(event.message)")
        }
    }

    /// One sweeping round over `warden`, and the lines it logged.
    static func sweep(_ warden: Warden) -> (deleted: Int, lines: [String]) {
        let captured = Captured()
        let deleted = ExpirySweeper.sweep(warden, logger: Logger(label: "test") { _ in Capturing(captured: captured) })
        return (deleted, captured.all)
    }

    @Test("a read-only store cannot be swept: the warning names the store; writable, the deletes are logged")
    func failuresAreLogged() throws {
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
            let (deleted, lines) = Self.sweep(readOnly)
            #expect(deleted == 0)
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("warning: expired tuples not swept: store '\(store)': ") == true, "\(lines)")
        }
        let writable = try Warden(dataDirectory: data.path)
        let (deleted, lines) = Self.sweep(writable)
        #expect(deleted == 1)
        #expect(lines == ["info: swept 1 expired tuple(s)"])
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Warden
import WardenModel
import WardenServer
import WardenStore
import WardenTestSupport

/// `GET /stores/{id}/watch`: Server-Sent Events read by real clients (curl, and a socket that stops reading) from
/// a live server while another client writes over HTTP.
@Suite("Watch: changes as they commit")
struct WatchTests {
    /// One received Server-Sent Event.
    struct Event: Equatable {
        var id: String?
        var type: String
        var data: JSONValue
    }

    /// Reads the events a child process prints (curl's `-N` output) as they arrive.
    final class EventReader: @unchecked Sendable {
        private let lock = NSLock()
        private var buffer = ""
        private var received: [Event] = []
        let process = Process()

        init(arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            // A thread of its own reads until the client exits (end of file).
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    self.lock.withLock {
                        self.buffer += String(decoding: data, as: UTF8.self)
                        while let end = self.buffer.range(of: "\n\n") {
                            let block = String(self.buffer[..<end.lowerBound])
                            self.buffer.removeSubrange(..<end.upperBound)
                            if let event = WatchTests.parse(block) { self.received.append(event) }
                        }
                    }
                }
            }
        }

        var events: [Event] { lock.withLock { received } }

        /// Waits until `count` events arrived (or `limit` passed) and returns them. Sleeps, never blocks: the
        /// server under test runs on the same two cooperative threads.
        func wait(for count: Int, limit: Duration = .seconds(20)) async throws -> [Event] {
            let start = ContinuousClock.now
            while events.count < count, ContinuousClock.now - start < limit { try await Task.sleep(for: .milliseconds(10)) }
            return events
        }

        /// Ends the client (again: a no-op).
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            let start = ContinuousClock.now
            while process.isRunning, ContinuousClock.now - start < .seconds(5) { usleep(10_000) }
        }
    }

    /// An SSE block (`id:`, `event:`, `data:` lines); nil for a comment.
    static func parse(_ block: String) -> Event? {
        var id: String?
        var type = "message"
        var data = ""
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
            if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data += line.dropFirst(6) }
        }
        guard !data.isEmpty, let json = try? JSONValue.parse(data) else { return nil }
        return Event(id: id, type: type, data: json)
    }

    static func warden() throws -> (TemporaryDirectory, Warden, String) {
        let directory = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: directory.path)
        let store = try warden.createStore(name: "watched").id
        _ = try warden.writeModel(
            try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n"), store: store)
        return (directory, warden, store)
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { text } else { nil }
    }

    static func tupleKey(_ event: Event) -> String {
        let key = event.data["tuple_key"]
        return "\(string(key?["object"]) ?? "")#\(string(key?["relation"]) ?? "")@\(string(key?["user"]) ?? "")"
    }

    @Test("one client writes while another watches: every change once, in order; disconnected, it resumes from its last event id without a gap")
    func watchAndResume() async throws {
        let (directory, warden, store) = try Self.warden()
        defer { withExtendedLifetime(directory) {} }
        // History before the watch: not sent to a watch that starts after it.
        try warden.importTuples([RelationshipTuple(try TupleKey(object: "doc:old", relation: "viewer", user: "user:zed"))], store: store)
        let start = try #require(try warden.endOfChanges(store: store))
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)/stores/\(store)/watch"
            let first = try EventReader(arguments: ["curl", "-sN", "\(url)?after=\(start.text)"])
            defer { first.stop() }
            func write(_ index: Int, delete: Bool = false) async throws {
                let tuple = #"{"user":"user:u\#(index)","relation":"viewer","object":"doc:d\#(index)"}"#
                let body = delete ? #"{"deletes":{"tuple_keys":[\#(tuple)]}}"# : #"{"writes":{"tuple_keys":[\#(tuple)]}}"#
                let response = try await client.execute(
                    uri: "/stores/\(store)/write", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
                #expect(response.status == .ok)
            }
            for index in 0..<5 { try await write(index) }
            try await write(2, delete: true)
            let seen = try await first.wait(for: 6)
            first.stop()
            #expect(seen.map(\.type) == Array(repeating: "change", count: 6))
            #expect(seen.map(Self.tupleKey) == (0..<5).map { "doc:d\($0)#viewer@user:u\($0)" } + ["doc:d2#viewer@user:u2"])
            #expect(seen.map { Self.string($0.data["operation"]) } == Array(repeating: "TUPLE_OPERATION_WRITE", count: 5) + ["TUPLE_OPERATION_DELETE"])
            #expect(seen.allSatisfy { $0.id != nil && $0.id == Self.string($0.data["position"]) })
            // Written while nobody watches, then read by a client reconnecting with its last event id.
            for index in 5..<8 { try await write(index) }
            let last = try #require(seen.last?.id)
            let second = try EventReader(arguments: ["curl", "-sN", "-H", "Last-Event-ID: \(last)", url])
            defer { second.stop() }
            let resumed = try await second.wait(for: 3)
            try await Task.sleep(for: .milliseconds(300))
            #expect(second.events.count == 3)
            second.stop()
            #expect(resumed.map(Self.tupleKey) == (5..<8).map { "doc:d\($0)#viewer@user:u\($0)" })
            // A watch from now sees only what commits after it; a type filter, only that type.
            let fromNow = try EventReader(arguments: ["curl", "-sN", "\(url)?type=doc"])
            defer { fromNow.stop() }
            try await Task.sleep(for: .milliseconds(500))
            try await write(9)
            #expect(try await fromNow.wait(for: 1).map(Self.tupleKey) == ["doc:d9#viewer@user:u9"])
            fromNow.stop()
            let unknown = try await client.execute(uri: "/stores/\(store)/watch?after=not-a-token", method: .get)
            #expect(unknown.status == .badRequest)
            let missing = try await client.execute(uri: "/stores/01HZZZZZZZZZZZZZZZZZZZZZZZ/watch", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test("a consumer that stops reading is dropped with the position to resume after; resuming there, nothing is lost")
    func slowConsumer() async throws {
        let (directory, warden, store) = try Self.warden()
        defer { withExtendedLifetime(directory) {} }
        // More than the socket buffers hold (the kernel's send buffer grows to 4 MB here; 60,000 events are 14 MB).
        let total = 60_000
        try warden.importTuples(
            try (0..<total).map { RelationshipTuple(try TupleKey(object: "doc:d\($0)", relation: "viewer", user: "user:u\($0 % 100)")) },
            store: store)
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0, watchSlowConsumer: .milliseconds(200)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // A client that asks for everything, stops reading for 20 s, then reads to the end. The pause must outlast
            // the time the server takes to fill the socket buffers (about 5 MB here) even on a loaded debug build.
            let script = """
                import socket, sys, time
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
                s.connect(("127.0.0.1", \(port)))
                s.sendall(b"GET /stores/\(store)/watch?after= HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
                time.sleep(20)
                data = b""
                s.settimeout(5)
                deadline = time.time() + 120
                # To the end of the stream, or until the drop arrived, or 2 minutes: never longer (heartbeats keep an
                # undropped stream open).
                while time.time() < deadline and b"event: dropped" not in data[-4096:]:
                    try:
                        chunk = s.recv(1 << 20)
                    except socket.timeout:
                        continue
                    if not chunk: break
                    data += chunk
                head, _, body = data.partition(b"\\r\\n\\r\\n")
                out = b""
                while body:
                    size, _, body = body.partition(b"\\r\\n")
                    try:
                        length = int(size, 16)
                    except ValueError:
                        break
                    if length == 0: break
                    out += body[:length]
                    body = body[length + 2:]
                sys.stdout.write(out.decode())
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            // Read on a thread of its own: blocking a cooperative thread would slow the server under test.
            let output = await withCheckedContinuation { (done: CheckedContinuation<String, Never>) in
                Thread.detachNewThread {
                    done.resume(returning: String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
                }
            }
            process.waitUntilExit()
            let events = output.components(separatedBy: "\n\n").compactMap(Self.parse)
            let changes = events.filter { $0.type == "change" }
            let dropped = try #require(events.last)
            #expect(dropped.type == "dropped")
            #expect(changes.count < total && changes.count > 0)
            #expect(Self.string(dropped.data["resume_after"]) == changes.last?.id)
            #expect(changes.map(Self.tupleKey).prefix(3) == ["doc:d0#viewer@user:u0", "doc:d1#viewer@user:u1", "doc:d2#viewer@user:u2"])
            // Resuming after that position gives exactly the rest.
            let resume = try #require(Self.string(dropped.data["resume_after"]))
            let rest = try EventReader(arguments: ["curl", "-sN", "http://127.0.0.1:\(port)/stores/\(store)/watch?after=\(resume)"])
            defer { rest.stop() }
            let remaining = try await rest.wait(for: total - changes.count, limit: .seconds(180))
            rest.stop()
            #expect(remaining.count == total - changes.count)
            #expect(remaining.first.map(Self.tupleKey) == "doc:d\(changes.count)#viewer@user:u\(changes.count % 100)")
            #expect(remaining.last.map(Self.tupleKey) == "doc:d\(total - 1)#viewer@user:u\((total - 1) % 100)")
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Warden
import WardenModel
import WardenServer
import WardenStore
import WardenTestSupport

/// The server as Hummingbird tests its own: the same test body through the router in process and through a
/// live server on a loopback port.
@Suite("warden serve (Hummingbird)")
struct ServerTests {
    static func setup(_ name: String) -> TestingSetup { name == "live" ? .live : .router }

    static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONValue.parse(String(buffer: response.body), anyValue: true)
    }

    @Test("a key, a store, a model, a tuple, a check and its metric; no key is 401", arguments: ["router", "live"])
    func roundTrip(mode: String) async throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0, authentication: .preshared(["test-key"])))
        let model = ModelJSON.encode(try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n"))
        try await app.test(Self.setup(mode)) { client in
            let keyed: HTTPFields = [.authorization: "Bearer test-key", .contentType: "application/json"]
            try await client.execute(uri: "/stores", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body) == #"{"code":"bearer_token_missing","message":"missing bearer token"}"#)
            }
            let created = try await client.execute(
                uri: "/stores", method: .post, headers: keyed, body: ByteBuffer(string: #"{"name":"hb"}"#))
            #expect(created.status == .created)
            guard case .string(let store)? = try Self.json(created)["id"] else {
                Issue.record("no store id")
                return
            }
            let written = try await client.execute(
                uri: "/stores/\(store)/authorization-models", method: .post, headers: keyed, body: ByteBuffer(string: model.compact))
            #expect(written.status == .created)
            let write = try await client.execute(
                uri: "/stores/\(store)/write", method: .post, headers: keyed,
                body: ByteBuffer(string: #"{"writes":{"tuple_keys":[{"user":"user:anne","relation":"viewer","object":"doc:1"}]}}"#))
            #expect(write.status == .ok)
            let check = try await client.execute(
                uri: "/stores/\(store)/check", method: .post, headers: keyed,
                body: ByteBuffer(string: #"{"tuple_key":{"user":"user:anne","relation":"viewer","object":"doc:1"}}"#))
            #expect(String(buffer: check.body) == #"{"allowed":true,"resolution":""}"#)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"warden_requests_total{method="check",status="200"} 1"#))
            }
        }
    }

    @Test("expires_at over HTTP: written, read back, counted until its instant; the server's sweeper then deletes it as a change")
    func expiringTupleOverHTTP() async throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0, expirySweepInterval: .milliseconds(50)))
        let model = ModelJSON.encode(try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n"))
        try await app.test(.live) { client in
            let headers: HTTPFields = [.contentType: "application/json"]
            let created = try await client.execute(uri: "/stores", method: .post, headers: headers, body: ByteBuffer(string: #"{"name":"exp"}"#))
            guard case .string(let store)? = try Self.json(created)["id"] else {
                Issue.record("no store id")
                return
            }
            _ = try await client.execute(
                uri: "/stores/\(store)/authorization-models", method: .post, headers: headers, body: ByteBuffer(string: model.compact))
            // The store's clock is held before the instant (a loaded machine may take seconds between requests),
            // then moved to it: the answer turns at the instant itself, not at whenever the test got there.
            let instant = (UInt64(Date().timeIntervalSince1970) + 3_600) * 1000
            let clock = warden.tuples.snapshotFactory.clock
            clock.set(milliseconds: instant - 1)
            defer { clock.set(milliseconds: nil) }
            let stamp = TupleExpiry.format(instant)
            let tuple = #"{"user":"user:anne","relation":"viewer","object":"doc:1","expires_at":"\#(stamp)"}"#
            let write = try await client.execute(
                uri: "/stores/\(store)/write", method: .post, headers: headers, body: ByteBuffer(string: #"{"writes":{"tuple_keys":[\#(tuple)]}}"#))
            #expect(write.status == .ok)
            let read = try await client.execute(uri: "/stores/\(store)/read", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(String(buffer: read.body).contains(#""expires_at":"\#(stamp)""#))
            let checkBody = ByteBuffer(string: #"{"tuple_key":{"user":"user:anne","relation":"viewer","object":"doc:1"}}"#)
            let before = try await client.execute(uri: "/stores/\(store)/check", method: .post, headers: headers, body: checkBody)
            #expect(String(buffer: before.body) == #"{"allowed":true,"resolution":""}"#)
            let unswept = try await client.execute(uri: "/stores/\(store)/changes", method: .get)
            #expect(!String(buffer: unswept.body).contains("TUPLE_OPERATION_DELETE"), "nothing is swept before the instant")
            clock.set(milliseconds: instant)
            let at = try await client.execute(uri: "/stores/\(store)/check", method: .post, headers: headers, body: checkBody)
            #expect(String(buffer: at.body) == #"{"allowed":false,"resolution":""}"#, "at the instant it no longer counts")
            // The sweeper runs every 50 ms: the delete appears shortly after the instant.
            var operations: [String] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                let changes = try await client.execute(uri: "/stores/\(store)/changes", method: .get)
                let body = String(buffer: changes.body)
                operations = ["TUPLE_OPERATION_WRITE", "TUPLE_OPERATION_DELETE"].filter { body.contains($0) }
                if operations.count == 2 { break }
            }
            #expect(operations == ["TUPLE_OPERATION_WRITE", "TUPLE_OPERATION_DELETE"])
            let after = try await client.execute(uri: "/stores/\(store)/check", method: .post, headers: headers, body: checkBody)
            #expect(String(buffer: after.body) == #"{"allowed":false,"resolution":""}"#)
        }
    }
}

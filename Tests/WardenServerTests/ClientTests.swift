import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Warden
import WardenClient
import WardenEngine
import WardenModel
import WardenScopes
import WardenServer
import WardenStore
import WardenTestSupport
import WardenWire

/// `WardenClient` against a live server: the same calls the in-process facade answers, and the same answers.
@Suite("WardenClient (Swift client over HTTP)")
struct ClientTests {
    @Test("stores, models, writes, reads, checks, batch checks, lists, authorize and errors give the facade's answers")
    func sameAnswersAsTheFacade() async throws {
        let (_, warden, store, bindings) = try ServerAPITests.warehouse()
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0, authentication: .preshared(["k"]), bindings: [bindings]))
        try await app.test(.live) { server in
            guard let port = server.port else {
                Issue.record("the live server has no port")
                return
            }
            let client = WardenClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!, apiKey: "k")
            #expect(try await client.listStores().map(\.id) == [store])

            let anne = UserRef.object(ObjectRef(type: "user", id: "auth0|anne"))
            let requests = ["espresso-machine", "croissant-oven", "none"].flatMap { product in
                ["can_read", "can_write"].map { CheckRequest(user: anne, relation: $0, object: ObjectRef(type: "product", id: product)) }
            }
            for request in requests {
                #expect(try await client.check(request, store: store).allowed == (try warden.check(request, store: store).allowed))
            }
            let batch = try await client.batchCheck(requests, store: store).map { try $0.get() }
            #expect(batch == (try warden.batchCheck(requests, store: store).map { try $0.get() }))
            #expect(batch.contains(true) && batch.contains(false))

            let list = ListObjectsRequest(user: anne, relation: "can_write", objectType: "product")
            #expect(try await client.listObjects(list, store: store) == (try warden.listObjects(list, store: store)))
            let users = ListUsersRequest(object: ObjectRef(type: "warehouse", id: "berlin"), relation: "staff", filters: [.init(type: "user")])
            #expect(try await client.listUsers(users, store: store) == (try warden.listUsers(users, store: store)))

            // A write through the client is read back through both.
            let tuple = RelationshipTuple(TupleKey(object: ObjectRef(type: "warehouse", id: "lyon"), relation: "staff", user: anne))
            try await client.write(WriteBatch(writes: [tuple]), store: store)
            let filter = ReadFilter(objectType: "warehouse", objectID: "lyon", relation: "staff")
            #expect(try await client.read(filter, store: store).tuples == [tuple])
            #expect(try warden.read(filter, store: store).tuples == [tuple])
            let first = try await client.read(ReadFilter(), store: store, limit: 5)
            #expect(first.tuples.count == 5)
            let rest = try await client.read(ReadFilter(), store: store, after: first.continuation, limit: 100)
            #expect(first.tuples.count + rest.tuples.count == (try warden.read(ReadFilter(), store: store, limit: 100).tuples.count))

            let token = try await warden.mintToken(
                for: GrantRequest(user: nil, clientID: "inventory-sync", audience: "https://api.retail.example", requestedScopes: nil))
            let decision = try await client.authorize(token: token, permission: "write:products", object: ObjectRef(type: "product", id: "croissant-oven"), store: store)
            #expect(decision["allowed"] == .bool(true))

            await #expect(throws: WireError(status: 404, code: "store_id_not_found", message: "store not found")) {
                try await client.check(requests[0], store: "01HZZZZZZZZZZZZZZZZZZZZZZZ")
            }
            let keyless = WardenClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!)
            await #expect(throws: WireError(status: 401, code: "bearer_token_missing", message: "missing bearer token")) {
                try await keyless.listStores()
            }
            let created = try await client.createStore(name: "scratch")
            #expect(created.name == "scratch")
            try await client.deleteStore(id: created.id)
            #expect(try await client.listStores().map(\.id) == [store])
        }
    }
}

import Testing
import Warden
import WardenModel
import WardenTestSupport
import WardenWire

/// OpenFGA's REST API called in-process (no HTTP): routes, limits and the error table, with exact bodies.
@Suite("OpenFGA API (wire layer)")
struct OpenFGAAPITests {
    static func api() throws -> (TemporaryDirectory, OpenFGAAPI, String) {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let api = OpenFGAAPI(warden: warden)
        let created = api.handle(method: "POST", path: ["stores"], body: .object([("name", .string("wire"))]))
        guard case .string(let id)? = created.body?["id"] else {
            Issue.record("no store id in \(String(describing: created.body))")
            return (data, api, "")
        }
        let model = try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n")
        let written = api.handle(method: "POST", path: ["stores", id, "authorization-models"], body: ModelJSON.encode(model))
        #expect(written.status == 201)
        return (data, api, id)
    }

    static func tuple(_ index: Int) -> JSONValue {
        .object([("user", .string("user:u\(index)")), ("relation", .string("viewer")), ("object", .string("doc:d\(index)"))])
    }

    @Test("an unknown store is 404 store_id_not_found; an unknown endpoint is 404 undefined_endpoint")
    func notFound() throws {
        let (_, api, _) = try Self.api()
        let store = api.handle(method: "POST", path: ["stores", "01HZZZZZZZZZZZZZZZZZZZZZZZ", "check"], body: .object([]))
        #expect(store.status == 404)
        #expect(store.body?.compact == #"{"code":"store_id_not_found","message":"store not found"}"#)
        let endpoint = api.handle(method: "PATCH", path: ["stores"], body: nil)
        #expect(endpoint.status == 404)
        #expect(endpoint.body?.compact == #"{"code":"undefined_endpoint","message":"no endpoint PATCH /stores"}"#)
    }

    @Test("OpenFGA's limits: 100 tuples per write, 50 checks per batch, page sizes 1 to 100")
    func limits() throws {
        let (_, api, id) = try Self.api()
        let tooMany = JSONValue.object([("writes", .object([("tuple_keys", .array((0..<101).map(Self.tuple)))]))])
        let write = api.handle(method: "POST", path: ["stores", id, "write"], body: tooMany)
        #expect(write.status == 400)
        #expect(write.body?.compact == #"{"code":"validation_error","message":"the number of write operations exceeds the allowed limit of 100"}"#)
        let hundred = JSONValue.object([("writes", .object([("tuple_keys", .array((0..<100).map(Self.tuple)))]))])
        #expect(api.handle(method: "POST", path: ["stores", id, "write"], body: hundred).status == 200)
        let checks = (0..<51).map { index in
            JSONValue.object([("tuple_key", Self.tuple(index)), ("correlation_id", .string("\(index)"))])
        }
        #expect(api.handle(method: "POST", path: ["stores", id, "batch-check"], body: .object([("checks", .array(checks))])).status == 400)
        let page = api.handle(method: "POST", path: ["stores", id, "read"], body: .object([("page_size", .number("101"))]))
        #expect(page.status == 400)
        let read = api.handle(method: "POST", path: ["stores", id, "read"], body: .object([("page_size", .number("60"))]))
        guard case .array(let tuples)? = read.body?["tuples"] else {
            Issue.record("no tuples in \(String(describing: read.body))")
            return
        }
        #expect(tuples.count == 60)
        #expect(read.body?["continuation_token"] != .string(""))
    }

    @Test("a body of the wrong shape, a duplicate tuple and a bad user are 400 with OpenFGA's codes")
    func validation() throws {
        let (_, api, id) = try Self.api()
        #expect(api.handle(method: "POST", path: ["stores", id, "check"], body: .array([])).body?.compact
            == #"{"code":"validation_error","message":"the request body must be a JSON object"}"#)
        let twice = JSONValue.object([("writes", .object([("tuple_keys", .array([Self.tuple(1), Self.tuple(1)]))]))])
        let duplicate = api.handle(method: "POST", path: ["stores", id, "write"], body: twice)
        #expect(duplicate.status == 400)
        #expect(duplicate.body?.compact.contains(#""code":"write_failed_due_to_invalid_input""#) == true)
        let badUser = JSONValue.object([("tuple_key", .object([("user", .string("anne")), ("relation", .string("viewer")), ("object", .string("doc:1"))]))])
        #expect(api.handle(method: "POST", path: ["stores", id, "check"], body: badUser).status == 400)
    }

    @Test("ListObjects past 1,000 objects says so with a continuation token, and the token brings the rest")
    func listObjectsContinues() throws {
        let (_, api, id) = try Self.api()
        for start in stride(from: 0, to: 1_200, by: 100) {
            let tuples = (start..<start + 100).map { index in
                JSONValue.object([("user", .string("user:anne")), ("relation", .string("viewer")), ("object", .string("doc:d\(index)"))])
            }
            #expect(api.handle(method: "POST", path: ["stores", id, "write"], body: .object([("writes", .object([("tuple_keys", .array(tuples))]))])).status == 200)
        }
        func list(_ token: String?) -> (objects: [String], token: String?) {
            var body: [(String, JSONValue)] = [("user", .string("user:anne")), ("relation", .string("viewer")), ("type", .string("doc"))]
            if let token { body.append(("continuation_token", .string(token))) }
            let answer = api.handle(method: "POST", path: ["stores", id, "list-objects"], body: .object(body))
            guard case .array(let objects)? = answer.body?["objects"] else { return ([], nil) }
            let next: String? = if case .string(let text)? = answer.body?["continuation_token"] { text } else { nil }
            return (objects.compactMap { if case .string(let text) = $0 { text } else { nil } }, next)
        }
        let first = list(nil)
        #expect(first.objects.count == 1_000)
        let token = try #require(first.token)
        let second = list(token)
        #expect(second.objects.count == 200)
        #expect(second.token == nil)
        #expect(Set(first.objects + second.objects) == Set((0..<1_200).map { "doc:d\($0)" }))
    }
}

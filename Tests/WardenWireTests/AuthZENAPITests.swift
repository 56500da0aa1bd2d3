import Foundation
import Testing
import Warden
import WardenModel
import WardenTestSupport
import WardenWire

/// The AuthZEN Authorization API called in-process: the mapping to checks, the properties-to-context rule,
/// the batch semantics, the searches and the metadata, with exact bodies.
@Suite("AuthZEN API (wire layer)")
struct AuthZENAPITests {
    /// A store with `doc` objects: `viewer` direct, `editor` only when the request's `resource_level` is "draft".
    static func api() throws -> (TemporaryDirectory, AuthZENAPI, String) {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let api = OpenFGAAPI(warden: warden)
        guard case .string(let id)? = api.handle(method: "POST", path: ["stores"], body: .object([("name", .string("az"))])).body?["id"] else {
            Issue.record("no store")
            return (data, AuthZENAPI(api: api), "")
        }
        let model = try DSLParser.parseModel("""
            model
              schema 1.1
            type user
            type doc
              relations
                define viewer: [user]
                define editor: [user with is_draft]
                define owner: [user]
            condition is_draft(resource_level: string) {
              resource_level == "draft"
            }
            """)
        #expect(api.handle(method: "POST", path: ["stores", id, "authorization-models"], body: ModelJSON.encode(model)).status == 201)
        let tuples = ["user:anne viewer doc:1", "user:anne viewer doc:2", "user:bob viewer doc:1", "user:anne editor doc:1"].map { text in
            let parts = text.split(separator: " ").map(String.init)
            var members: [(String, JSONValue)] = [("user", .string(parts[0])), ("relation", .string(parts[1])), ("object", .string(parts[2]))]
            if parts[1] == "editor" { members.append(("condition", .object([("name", .string("is_draft"))]))) }
            return JSONValue.object(members)
        }
        let write = api.handle(method: "POST", path: ["stores", id, "write"], body: .object([("writes", .object([("tuple_keys", .array(tuples))]))]))
        #expect(write.status == 200)
        return (data, AuthZENAPI(api: api), id)
    }

    static func post(_ api: AuthZENAPI, _ store: String, _ endpoint: [String], _ json: String) throws -> OpenFGAAPI.Answer {
        api.handle(method: "POST", path: ["stores", store, "access", "v1"] + endpoint, body: try JSONValue.parse(json, anyValue: true))
    }

    @Test("evaluation: subject, action and resource become a check; a resource property reaches the condition")
    func evaluation() throws {
        let (_, api, store) = try Self.api()
        let viewer = try Self.post(api, store, ["evaluation"], #"{"subject":{"type":"user","id":"bob"},"action":{"name":"viewer"},"resource":{"type":"doc","id":"1"}}"#)
        #expect(viewer.status == 200)
        #expect(viewer.body?.compact == #"{"decision":true}"#)
        let draft = try Self.post(api, store, ["evaluation"], #"{"subject":{"type":"user","id":"anne"},"action":{"name":"editor"},"resource":{"type":"doc","id":"1","properties":{"level":"draft"}}}"#)
        #expect(draft.body?.compact == #"{"decision":true}"#)
        // The request's own context wins over a property of the same name.
        let overridden = try Self.post(api, store, ["evaluation"], #"{"subject":{"type":"user","id":"anne"},"action":{"name":"editor"},"resource":{"type":"doc","id":"1","properties":{"level":"draft"}},"context":{"resource_level":"final"}}"#)
        #expect(overridden.body?.compact == #"{"decision":false}"#)
        let missing = try Self.post(api, store, ["evaluation"], #"{"subject":{"type":"user","id":"anne"},"resource":{"type":"doc","id":"1"}}"#)
        #expect(missing.status == 400)
        #expect(missing.body?.compact == #"{"code":"validation_error","message":"'action' is required"}"#)
    }

    @Test("the context merges subject_, resource_ and action_ properties, then the request's context over them")
    func contextMapping() throws {
        let body = try JSONValue.parse(#"{"subject":{"type":"user","id":"a","properties":{"dept":"x"}},"action":{"name":"r","properties":{"risk":1}},"resource":{"type":"doc","id":"1","properties":{"dept":"y"}},"context":{"action_risk":2,"ip":"10.0.0.1"}}"#, anyValue: true)
        #expect(try AuthZENAPI.context(of: body)?.compact == #"{"subject_dept":"x","resource_dept":"y","action_risk":2,"ip":"10.0.0.1"}"#)
        #expect(try AuthZENAPI.context(of: JSONValue.parse(#"{"subject":{"type":"user","id":"a"}}"#, anyValue: true)) == nil)
    }

    @Test("evaluations: defaults from the top level; execute_all answers all, the short-circuits stop where they settle")
    func evaluations() throws {
        let (_, api, store) = try Self.api()
        let items = #""evaluations":[{"resource":{"type":"doc","id":"1"}},{"resource":{"type":"doc","id":"3"}},{"resource":{"type":"doc","id":"2"}}]"#
        let all = try Self.post(api, store, ["evaluations"], #"{"subject":{"type":"user","id":"anne"},"action":{"name":"viewer"},"# + items + "}")
        #expect(all.body?.compact == #"{"evaluations":[{"decision":true},{"decision":false},{"decision":true}]}"#)
        let deny = try Self.post(api, store, ["evaluations"], #"{"subject":{"type":"user","id":"anne"},"action":{"name":"viewer"},"options":{"evaluations_semantic":"deny_on_first_deny"},"# + items + "}")
        #expect(deny.body?.compact == #"{"evaluations":[{"decision":true},{"decision":false}]}"#)
        let permit = try Self.post(api, store, ["evaluations"], #"{"subject":{"type":"user","id":"anne"},"action":{"name":"viewer"},"options":{"evaluations_semantic":"permit_on_first_permit"},"# + items + "}")
        #expect(permit.body?.compact == #"{"evaluations":[{"decision":true}]}"#)
        let unknown = try Self.post(api, store, ["evaluations"], #"{"subject":{"type":"user","id":"anne"},"action":{"name":"viewer"},"options":{"evaluations_semantic":"maybe"},"# + items + "}")
        #expect(unknown.status == 400)
        // A condition without its parameter is a denial that says why, not a failed batch.
        let undecided = try Self.post(api, store, ["evaluations"], #"{"subject":{"type":"user","id":"anne"},"action":{"name":"editor"},"evaluations":[{"resource":{"type":"doc","id":"1"}}]}"#)
        guard case .array(let answers)? = undecided.body?["evaluations"], let first = answers.first else {
            Issue.record("no evaluations in \(String(describing: undecided.body))")
            return
        }
        #expect(first["decision"] == .bool(false))
        #expect(first["context"]?["error"]?["status"] == .number("400"))
        // Without a list, the request is one evaluation.
        let single = try Self.post(api, store, ["evaluations"], #"{"subject":{"type":"user","id":"bob"},"action":{"name":"viewer"},"resource":{"type":"doc","id":"2"}}"#)
        #expect(single.body?.compact == #"{"decision":false}"#)
    }

    @Test("searches: subjects, resources and actions, exactly")
    func searches() throws {
        let (_, api, store) = try Self.api()
        let subjects = try Self.post(api, store, ["search", "subject"], #"{"subject":{"type":"user"},"action":{"name":"viewer"},"resource":{"type":"doc","id":"1"}}"#)
        #expect(subjects.body?.compact == #"{"results":[{"type":"user","id":"anne"},{"type":"user","id":"bob"}]}"#)
        let resources = try Self.post(api, store, ["search", "resource"], #"{"subject":{"type":"user","id":"anne"},"action":{"name":"viewer"},"resource":{"type":"doc"}}"#)
        #expect(resources.body?.compact == #"{"results":[{"type":"doc","id":"1"},{"type":"doc","id":"2"}]}"#)
        let actions = try Self.post(api, store, ["search", "action"], #"{"subject":{"type":"user","id":"anne"},"resource":{"type":"doc","id":"1","properties":{"level":"draft"}}}"#)
        #expect(actions.body?.compact == #"{"results":[{"name":"editor"},{"name":"viewer"}]}"#)
        let unknownType = try Self.post(api, store, ["search", "action"], #"{"subject":{"type":"user","id":"anne"},"resource":{"type":"folder","id":"1"}}"#)
        #expect(unknownType.body?.compact == #"{"code":"type_not_found","message":"type 'folder' not found"}"#)
    }

    @Test("resource search past 1,000 results pages with page.next_token instead of truncating")
    func resourceSearchPages() throws {
        let (_, api, store) = try Self.api()
        for start in stride(from: 0, to: 1_100, by: 100) {
            let tuples = (start..<(start + 100)).map { index in
                JSONValue.object([("user", .string("user:carl")), ("relation", .string("viewer")), ("object", .string("doc:c\(index)"))])
            }
            #expect(api.api.handle(method: "POST", path: ["stores", store, "write"], body: .object([("writes", .object([("tuple_keys", .array(tuples))]))])).status == 200)
        }
        let request = #"{"subject":{"type":"user","id":"carl"},"action":{"name":"viewer"},"resource":{"type":"doc"}"#
        let first = try Self.post(api, store, ["search", "resource"], request + "}")
        guard case .array(let page)? = first.body?["results"], case .string(let token)? = first.body?["page"]?["next_token"] else {
            Issue.record("no page token in \(String(describing: first.body?.compact.prefix(200)))")
            return
        }
        #expect(page.count == 1_000)
        let second = try Self.post(api, store, ["search", "resource"], request + #","page":{"token":"\#(token)"}}"#)
        guard case .array(let rest)? = second.body?["results"] else {
            Issue.record("no second page")
            return
        }
        #expect(rest.count == 100)
        #expect(second.body?["page"] == nil)
        #expect(Set(page + rest).count == 1_100)
    }

    @Test("the store's metadata lists absolute endpoints; an unknown store is 404")
    func metadata() throws {
        let (_, api, store) = try Self.api()
        let answer = api.configuration(storeID: store, baseURL: "https://pdp.example")
        #expect(answer.body?["access_evaluation_endpoint"] == .string("https://pdp.example/stores/\(store)/access/v1/evaluation"))
        #expect(answer.body?["search_action_endpoint"] == .string("https://pdp.example/stores/\(store)/access/v1/search/action"))
        #expect(answer.body?["policy_decision_point"] == .string("https://pdp.example/stores/\(store)"))
        #expect(api.configuration(storeID: "01HZZZZZZZZZZZZZZZZZZZZZZZ", baseURL: "x").status == 404)
    }
}

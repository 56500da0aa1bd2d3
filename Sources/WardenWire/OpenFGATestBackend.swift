import Warden
import WardenEngine
import WardenModel

/// Runs `.fga.yaml` tests through OpenFGA's API (``WireTransport``): each test gets a new store, its model and
/// tuples are written as a client writes them (100 per request), and every query is a request. Pointed at
/// `warden serve` it checks the wire layer against the same files as the engine; pointed at OpenFGA, OpenFGA.
public struct OpenFGATestBackend: ModelTestBackend {
    public let transport: any WireTransport

    public init(transport: any WireTransport) {
        self.transport = transport
    }

    /// A request that did not answer 2xx: OpenFGA's code and message.
    public struct Refusal: Error, CustomStringConvertible {
        public var status: Int
        public var body: String
        public var description: String { "HTTP \(status) \(body)" }
    }

    func call(_ method: String, _ path: [String], _ body: JSONValue?) throws -> JSONValue {
        let (status, answer) = try transport.send(method: method, path: path, body: body)
        guard (200..<300).contains(status) else { throw Refusal(status: status, body: answer?.compact ?? "") }
        return answer ?? .null
    }

    public func session(model: CompiledModel, tuples: [RelationshipTuple]) throws -> any ModelTestSession {
        let created = try call("POST", ["stores"], .object([("name", .string("model-test"))]))
        guard case .string(let store)? = created["id"] else { throw Refusal(status: 0, body: "no store id") }
        _ = try call("POST", ["stores", store, "authorization-models"], ModelJSON.encode(model.model))
        for start in stride(from: 0, to: tuples.count, by: OpenFGAAPI.maximumWrites) {
            let batch = tuples[start..<min(start + OpenFGAAPI.maximumWrites, tuples.count)].map(WireTuples.json)
            _ = try call("POST", ["stores", store, "write"], .object([
                ("writes", .object([("tuple_keys", .array(batch)), ("on_duplicate", .string("ignore"))])),
            ]))
        }
        return OpenFGATestSession(backend: self, store: store)
    }
}

struct OpenFGATestSession: ModelTestSession {
    let backend: OpenFGATestBackend
    let store: String

    private func extras(_ context: JSONValue?, _ contextual: [RelationshipTuple]) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let context { members.append(("context", context)) }
        if !contextual.isEmpty {
            members.append(("contextual_tuples", .object([("tuple_keys", .array(contextual.map(WireTuples.json)))])))
        }
        return members
    }

    func check(_ request: CheckRequest) throws -> Bool {
        let key = JSONValue.object([
            ("user", .string(request.user.description)), ("relation", .string(request.relation)),
            ("object", .string(request.object.description)),
        ])
        let answer = try backend.call(
            "POST", ["stores", store, "check"], .object([("tuple_key", key)] + extras(request.context, request.contextualTuples)))
        guard case .bool(let allowed)? = answer["allowed"] else { return false }
        return allowed
    }

    /// Every object, following Warden's continuation tokens past 1,000 (OpenFGA sends none).
    func listObjects(_ request: ListObjectsRequest) throws -> [String] {
        var found: [String] = []
        var token: String?
        repeat {
            var members: [(String, JSONValue)] = [
                ("user", .string(request.user.description)), ("relation", .string(request.relation)),
                ("type", .string(request.objectType)),
            ] + extras(request.context, request.contextualTuples)
            if let token { members.append(("continuation_token", .string(token))) }
            let answer = try backend.call("POST", ["stores", store, "list-objects"], .object(members))
            if case .array(let objects)? = answer["objects"] {
                found += objects.compactMap { if case .string(let text) = $0 { text } else { nil } }
            }
            token = if case .string(let next)? = answer["continuation_token"], !next.isEmpty { next } else { nil }
        } while token != nil
        return found
    }

    func listUsers(_ request: ListUsersRequest) throws -> [String] {
        let filters = request.filters.map { filter in
            JSONValue.object([("type", .string(filter.type))] + (filter.relation.map { [("relation", JSONValue.string($0))] } ?? []))
        }
        let body = JSONValue.object([
            ("object", .object([("type", .string(request.object.type)), ("id", .string(request.object.id))])),
            ("relation", .string(request.relation)), ("user_filters", .array(filters)),
        ] + extras(request.context, request.contextualTuples))
        guard case .array(let users)? = try backend.call("POST", ["stores", store, "list-users"], body)["users"]
        else { return [] }
        return users.compactMap(Self.user)
    }

    /// `{object: {type, id}}` → `type:id`; `{userset: {type, id, relation}}` → `type:id#relation`;
    /// `{wildcard: {type}}` → `type:*`.
    static func user(_ value: JSONValue) -> String? {
        func text(_ object: JSONValue?, _ name: String) -> String? {
            guard case .string(let value)? = object?[name] else { return nil }
            return value
        }
        if let object = value["object"], let type = text(object, "type"), let id = text(object, "id") {
            return "\(type):\(id)"
        }
        if let userset = value["userset"], let type = text(userset, "type"), let id = text(userset, "id"),
            let relation = text(userset, "relation")
        {
            return "\(type):\(id)#\(relation)"
        }
        if let wildcard = value["wildcard"], let type = text(wildcard, "type") { return "\(type):*" }
        return nil
    }
}

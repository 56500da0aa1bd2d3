import Warden
import WardenEngine
import WardenModel
import WardenStore

/// The OpenID AuthZEN Authorization API 1.0 over a store, as OpenFGA exposes it: `evaluation`, `evaluations`, and
/// the subject, resource and action searches under `/stores/{store_id}/access/v1/`, and the store's PDP metadata.
///
/// Mapping: subject `{type, id}` is the user `type:id`, action `name` is the relation, resource `{type, id}` the
/// object. The `properties` of subject, resource and action join the condition context as `subject_<name>`,
/// `resource_<name>` and `action_<name>`; the request's own `context` wins over a property of the same name.
public struct AuthZENAPI: Sendable {
    public let api: OpenFGAAPI

    public init(api: OpenFGAAPI) {
        self.api = api
    }

    private var warden: Warden { api.warden }

    /// The three `evaluations_semantic` options.
    enum Semantic: String {
        case executeAll = "execute_all"
        case denyOnFirstDeny = "deny_on_first_deny"
        case permitOnFirstPermit = "permit_on_first_permit"
    }

    /// Routes `POST /stores/{id}/access/v1/<endpoint>` (`path` is the whole path). Unknown endpoints are 404.
    public func handle(method: String, path: [String], body: JSONValue?) -> OpenFGAAPI.Answer {
        do {
            guard method == "POST", path.count >= 5, path[2] == "access", path[3] == "v1" else {
                throw WireError.notFound("no endpoint \(method) /\(path.joined(separator: "/"))")
            }
            let store = try api.store(path[1]).id
            let fields = try WireFields(body)
            switch Array(path.dropFirst(4)) {
            case ["evaluation"]: return try evaluation(store, fields)
            case ["evaluations"]: return try evaluations(store, fields)
            case ["search", "subject"]: return try searchSubject(store, fields)
            case ["search", "resource"]: return try searchResource(store, fields)
            case ["search", "action"]: return try searchAction(store, fields)
            default: throw WireError.notFound("no endpoint \(method) /\(path.joined(separator: "/"))")
            }
        } catch {
            let wire = WireError.from(error)
            return OpenFGAAPI.Answer(status: wire.status, body: wire.json)
        }
    }

    /// `GET /.well-known/authzen-configuration/{store_id}`: the store's PDP metadata, with absolute endpoint URLs
    /// under `baseURL` (`http://host:port`).
    public func configuration(storeID: String, baseURL: String) -> OpenFGAAPI.Answer {
        do {
            let store = try api.store(storeID).id
            let root = "\(baseURL)/stores/\(store)/access/v1"
            return OpenFGAAPI.Answer(status: 200, body: .object([
                ("policy_decision_point", .string("\(baseURL)/stores/\(store)")),
                ("access_evaluation_endpoint", .string("\(root)/evaluation")),
                ("access_evaluations_endpoint", .string("\(root)/evaluations")),
                ("search_subject_endpoint", .string("\(root)/search/subject")),
                ("search_resource_endpoint", .string("\(root)/search/resource")),
                ("search_action_endpoint", .string("\(root)/search/action")),
                ("capabilities", .array(["evaluation", "evaluations", "subject_search", "resource_search", "action_search"].map(JSONValue.string))),
            ]))
        } catch {
            let wire = WireError.from(error)
            return OpenFGAAPI.Answer(status: wire.status, body: wire.json)
        }
    }

    // MARK: Evaluation

    /// One evaluation's parts, before they become a check.
    struct Parts {
        var subject: WireFields?
        var action: WireFields?
        var resource: WireFields?
        var context: JSONValue?

        init(_ fields: WireFields) throws(WireError) {
            subject = try fields.object("subject")
            action = try fields.object("action")
            resource = try fields.object("resource")
            context = try fields.context()
        }

        /// These parts, with each one this request leaves out taken from `defaults` (the batch's top level).
        func over(_ defaults: Parts) -> Parts {
            var merged = self
            merged.subject = subject ?? defaults.subject
            merged.action = action ?? defaults.action
            merged.resource = resource ?? defaults.resource
            merged.context = context ?? defaults.context
            return merged
        }

        func check() throws -> CheckRequest {
            guard let subject else { throw WireError.validation("'subject' is required") }
            guard let action else { throw WireError.validation("'action' is required") }
            guard let resource else { throw WireError.validation("'resource' is required") }
            return CheckRequest(
                user: try AuthZENAPI.user(subject),
                relation: try action.required("name"),
                object: try AuthZENAPI.object(resource),
                context: try AuthZENAPI.context(subject: subject, action: action, resource: resource, context: context))
        }
    }

    /// The condition context: each entity's properties under its prefix, then the request's context over them.
    static func context(subject: WireFields?, action: WireFields?, resource: WireFields?, context: JSONValue?) throws(WireError) -> JSONValue? {
        var members: [(String, JSONValue)] = []
        for (prefix, entity) in [("subject", subject), ("resource", resource), ("action", action)] {
            guard let properties = try entity?.object("properties") else { continue }
            for (name, value) in properties.members.sorted(by: { $0.key < $1.key }) {
                members.append(("\(prefix)_\(name)", value))
            }
        }
        if case .object(let pairs)? = context {
            let given = Set(pairs.map(\.0))
            members.removeAll { given.contains($0.0) }
            members += pairs
        }
        return members.isEmpty ? nil : .object(members)
    }

    /// The condition context a request body's properties and context make (nil when there is none).
    public static func context(of body: JSONValue) throws -> JSONValue? {
        let parts = try Parts(try WireFields(body))
        return try context(subject: parts.subject, action: parts.action, resource: parts.resource, context: parts.context)
    }

    private func evaluation(_ store: String, _ fields: WireFields) throws -> OpenFGAAPI.Answer {
        let result = try warden.check(try Parts(fields).check(), store: store, modelID: try fields.string("authorization_model_id"))
        return OpenFGAAPI.Answer(status: 200, body: .object([("decision", .bool(result.allowed))]))
    }

    private func evaluations(_ store: String, _ fields: WireFields) throws -> OpenFGAAPI.Answer {
        let defaults = try Parts(fields)
        let items = try fields.array("evaluations")
        // No list: the request is a single evaluation, answered as one.
        guard !items.isEmpty else { return try evaluation(store, fields) }
        guard items.count <= OpenFGAAPI.maximumBatchChecks else {
            throw WireError.validation("at most \(OpenFGAAPI.maximumBatchChecks) evaluations per request")
        }
        let requests = try items.map { item in try Parts(try WireFields(item)).over(defaults).check() }
        let semanticName = try fields.object("options")?.string("evaluations_semantic") ?? Semantic.executeAll.rawValue
        guard let semantic = Semantic(rawValue: semanticName) else {
            throw WireError.validation("evaluations_semantic is execute_all, deny_on_first_deny or permit_on_first_permit")
        }
        var decisions: [JSONValue] = []
        switch semantic {
        case .executeAll:
            decisions = try warden.batchCheck(requests, store: store).map(Self.decision)
        case .denyOnFirstDeny, .permitOnFirstPermit:
            // In order, stopping after the first decision that settles the batch.
            let stopAt = semantic == .permitOnFirstPermit
            for request in requests {
                let outcome = try warden.batchCheck([request], store: store)[0]
                decisions.append(Self.decision(outcome))
                if ((try? outcome.get()) ?? false) == stopAt { break }
            }
        }
        return OpenFGAAPI.Answer(status: 200, body: .object([("evaluations", .array(decisions))]))
    }

    /// `{"decision": bool}`, or a denial that says why it could not be decided.
    static func decision(_ outcome: Result<Bool, CheckError>) -> JSONValue {
        switch outcome {
        case .success(let allowed): return .object([("decision", .bool(allowed))])
        case .failure(let error):
            let wire = WireError.from(error)
            return .object([
                ("decision", .bool(false)),
                ("context", .object([("error", .object([("status", .number(String(wire.status))), ("message", .string(wire.message))]))])),
            ])
        }
    }

    // MARK: Search

    /// A subject `{type, id}` as the user `type:id`, validated as OpenFGA validates the string it makes.
    static func user(_ subject: WireFields) throws -> UserRef {
        try UserRef(parsing: "\(try subject.required("type")):\(try subject.required("id"))")
    }

    /// A resource `{type, id}` as the object `type:id`.
    static func object(_ resource: WireFields) throws -> ObjectRef {
        try ObjectRef(parsing: "\(try resource.required("type")):\(try resource.required("id"))")
    }

    private func entity(_ fields: WireFields?, _ name: String) throws(WireError) -> WireFields {
        guard let fields else { throw WireError.validation("'\(name)' is required") }
        return fields
    }

    private func searchSubject(_ store: String, _ fields: WireFields) throws -> OpenFGAAPI.Answer {
        let parts = try Parts(fields)
        let subject = try entity(parts.subject, "subject")
        let resource = try entity(parts.resource, "resource")
        let action = try entity(parts.action, "action")
        let type = try subject.required("type")
        let request = ListUsersRequest(
            object: try Self.object(resource),
            relation: try action.required("name"), filters: [.init(type: type, relation: nil)],
            context: try Self.context(subject: subject, action: action, resource: resource, context: parts.context))
        let users = try warden.listUsers(request, store: store, modelID: try fields.string("authorization_model_id"))
        let results: [JSONValue] = users.compactMap { user in
            switch user {
            case .object(let object): .object([("type", .string(object.type)), ("id", .string(object.id))])
            case .wildcard(let type): .object([("type", .string(type)), ("id", .string("*"))])
            case .userset: nil
            }
        }
        return OpenFGAAPI.Answer(status: 200, body: .object([("results", .array(results))]))
    }

    private func searchResource(_ store: String, _ fields: WireFields) throws -> OpenFGAAPI.Answer {
        let parts = try Parts(fields)
        let subject = try entity(parts.subject, "subject")
        let resource = try entity(parts.resource, "resource")
        let action = try entity(parts.action, "action")
        let token = try fields.object("page")?.string("token").flatMap { $0.isEmpty ? nil : $0 }
        let request = ListObjectsRequest(
            user: try Self.user(subject),
            relation: try action.required("name"), objectType: try resource.required("type"),
            context: try Self.context(subject: subject, action: action, resource: resource, context: parts.context),
            maximumResults: OpenFGAAPI.maximumListResults, continuation: token)
        let result = try warden.listObjects(
            request, store: store, modelID: try fields.string("authorization_model_id"), deadline: ContinuousClock.now + OpenFGAAPI.listDeadline)
        let results: [JSONValue] = result.objects.map { object in
            let parts = object.splitOnce(at: UInt8(ascii: ":"))
            return .object([("type", .string(parts?.before ?? object)), ("id", .string(parts?.after ?? ""))])
        }
        var members: [(String, JSONValue)] = [("results", .array(results))]
        // The page is cut at 1,000 results or the deadline: say where the next page starts.
        if !result.isComplete, let next = result.continuation {
            members.append(("page", .object([("next_token", .string(next))])))
        }
        return OpenFGAAPI.Answer(status: 200, body: .object(members))
    }

    private func searchAction(_ store: String, _ fields: WireFields) throws -> OpenFGAAPI.Answer {
        let parts = try Parts(fields)
        let subject = try entity(parts.subject, "subject")
        let resource = try entity(parts.resource, "resource")
        let modelID = try fields.string("authorization_model_id")
        let model = try warden.model(store: store, id: modelID)
        let object = try Self.object(resource)
        guard let type = model.model.typeDefinitions.first(where: { $0.name.bytesEqual(object.type) }) else {
            throw WireError(status: 400, code: "type_not_found", message: "type '\(object.type)' not found")
        }
        let user = try Self.user(subject)
        let names = type.relations.map(\.name).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let context = try Self.context(subject: subject, action: nil, resource: resource, context: parts.context)
        let requests = names.map { CheckRequest(user: user, relation: $0, object: object, context: context) }
        let outcomes = try warden.batchCheck(requests, store: store, modelID: modelID)
        // A relation that cannot be decided (a condition without its parameters) is not an action the subject may take.
        let results = zip(names, outcomes).compactMap { name, outcome -> JSONValue? in
            (try? outcome.get()) == true ? .object([("name", .string(name))]) : nil
        }
        return OpenFGAAPI.Answer(status: 200, body: .object([("results", .array(results))]))
    }
}

import Foundation
import Warden
import WardenEngine
import WardenModel
import WardenStore

/// OpenFGA's REST API v1 over a ``Warden``, independent of any HTTP library: a request is a method, the path's
/// segments, the query and a JSON body; the answer is a status and a JSON body, or a ``WireError``. The HTTP
/// server is a thin transport over this, and tests can call it directly.
public struct OpenFGAAPI: Sendable {
    public let warden: Warden

    /// OpenFGA's default limits.
    public static let maximumWrites = 100
    public static let maximumBatchChecks = 50
    public static let maximumPageSize = 100
    public static let maximumListResults = 1000
    /// OpenFGA's ListObjects deadline.
    public static let listDeadline: Duration = .seconds(3)

    /// How long one check, batch check or expand may take before it fails with `deadline_exceeded` (504);
    /// OpenFGA's default request timeout.
    public var requestTimeout: Duration = .seconds(3)
    /// Sees every check's result (the server's check-depth metric).
    public var observer: (@Sendable (CheckResult) -> Void)?

    public init(warden: Warden, requestTimeout: Duration = .seconds(3)) {
        self.warden = warden
        self.requestTimeout = requestTimeout
    }

    /// The deadline of a request starting now.
    var deadline: ContinuousClock.Instant { ContinuousClock.now + requestTimeout }

    /// An answer: HTTP status and body.
    public struct Answer: Sendable {
        public var status: Int
        public var body: JSONValue?

        public init(status: Int, body: JSONValue?) {
            self.status = status
            self.body = body
        }
    }

    /// Routes one request. Unknown paths are 404 `undefined_endpoint`.
    public func handle(method: String, path: [String], query: [String: String] = [:], body: JSONValue?) -> Answer {
        do {
            return try route(method: method, path: path, query: query, body: body)
        } catch {
            let wire = WireError.from(error)
            return Answer(status: wire.status, body: wire.json)
        }
    }

    private func route(method: String, path: [String], query: [String: String], body: JSONValue?) throws -> Answer {
        guard path.first == "stores" else { throw WireError.notFound("no endpoint \(method) /\(path.joined(separator: "/"))") }
        if path.count == 1 {
            switch method {
            case "POST": return try createStore(WireFields(body))
            case "GET": return try listStores()
            default: throw WireError.notFound("no endpoint \(method) /stores")
            }
        }
        let id = path[1]
        switch (method, Array(path.dropFirst(2))) {
        case ("GET", []): return try getStore(id)
        case ("DELETE", []):
            try warden.deleteStore(id: try store(id).id)
            return Answer(status: 204, body: nil)
        case ("POST", ["authorization-models"]): return try writeModel(id, body)
        case ("GET", ["authorization-models"]): return try listModels(id)
        case ("GET", let rest) where rest.count == 2 && rest[0] == "authorization-models": return try getModel(id, rest[1])
        case ("POST", ["write"]): return try write(id, WireFields(body))
        case ("POST", ["read"]): return try read(id, WireFields(body))
        case ("GET", ["changes"]): return try changes(id, query)
        case ("POST", ["check"]): return try check(id, WireFields(body))
        case ("POST", ["batch-check"]): return try batchCheck(id, WireFields(body))
        case ("POST", ["list-objects"]): return try listObjects(id, WireFields(body))
        case ("POST", ["list-users"]): return try listUsers(id, WireFields(body))
        case ("POST", ["expand"]): return try expand(id, WireFields(body))
        case ("PUT", let rest) where rest.count == 2 && rest[0] == "assertions": return try writeAssertions(id, rest[1], WireFields(body))
        case ("GET", let rest) where rest.count == 2 && rest[0] == "assertions": return try readAssertions(id, rest[1])
        default: throw WireError.notFound("no endpoint \(method) /\(path.joined(separator: "/"))")
        }
    }

    // MARK: Stores

    private func storeJSON(_ info: StoreInfo) -> JSONValue {
        .object([
            ("id", .string(info.id)), ("name", .string(info.name)), ("created_at", WireTuples.timestamp(info.createdAt)),
            ("updated_at", WireTuples.timestamp(info.createdAt)),
        ])
    }

    /// The store with this exact id (names are the CLI's convenience, not the API's): one key lookup when the data
    /// changed since the last request on it.
    func store(_ id: String) throws -> StoreInfo {
        guard !id.isEmpty else { throw StoreError(.storeNotFound, "store '' not found") }
        return try warden.store(id: id)
    }

    private func createStore(_ fields: WireFields) throws -> Answer {
        Answer(status: 201, body: storeJSON(try warden.createStore(name: try fields.required("name"))))
    }

    private func listStores() throws -> Answer {
        Answer(status: 200, body: .object([
            ("stores", .array(try warden.listStores().map(storeJSON))), ("continuation_token", .string("")),
        ]))
    }

    private func getStore(_ id: String) throws -> Answer {
        Answer(status: 200, body: storeJSON(try store(id)))
    }

    // MARK: Models

    private func writeModel(_ id: String, _ body: JSONValue?) throws -> Answer {
        let info = try store(id)
        guard let body else { throw WireError.validation("the request needs an authorization model") }
        let model = try ModelJSON.decode(body)
        return Answer(status: 201, body: .object([("authorization_model_id", .string(try warden.writeModel(model, store: info.id)))]))
    }

    private func modelJSON(_ stored: StoredModel) throws -> JSONValue {
        guard case .object(let members) = try JSONValue.parse(stored.json) else { return .null }
        return .object([("id", .string(stored.id))] + members.filter { $0.0 != "id" })
    }

    private func listModels(_ id: String) throws -> Answer {
        let models = try warden.listModels(store: try store(id).id)
        return Answer(status: 200, body: .object([
            ("authorization_models", .array(try models.map(modelJSON))), ("continuation_token", .string("")),
        ]))
    }

    private func getModel(_ id: String, _ modelID: String) throws -> Answer {
        let stored = try warden.tuples.model(id: modelID, store: try store(id).id)
        return Answer(status: 200, body: .object([("authorization_model", try modelJSON(stored))]))
    }

    // MARK: Tuples

    private func write(_ id: String, _ fields: WireFields) throws -> Answer {
        let info = try store(id)
        let writes = try fields.object("writes")
        let deletes = try fields.object("deletes")
        let written = try (writes?.array("tuple_keys") ?? []).map(WireTuples.tuple)
        let removed = try (deletes?.array("tuple_keys") ?? []).map(WireTuples.key)
        guard written.count + removed.count <= Self.maximumWrites else {
            throw WireError.validation("the number of write operations exceeds the allowed limit of \(Self.maximumWrites)")
        }
        guard !written.isEmpty || !removed.isEmpty else { throw WireError.validation("invalid WriteRequest: no tuples") }
        let onDuplicate: WriteBatch.OnDuplicate = try writes?.string("on_duplicate") == "ignore" ? .ignore : .error
        let onMissing: WriteBatch.OnMissing = try deletes?.string("on_missing") == "ignore" ? .ignore : .error
        try warden.write(
            WriteBatch(writes: written, deletes: removed, onDuplicate: onDuplicate, onMissing: onMissing), store: info.id,
            modelID: try fields.string("authorization_model_id"))
        return Answer(status: 200, body: .object([]))
    }

    private func read(_ id: String, _ fields: WireFields) throws -> Answer {
        let info = try store(id)
        try fields.consistency()
        var filter = ReadFilter()
        if let key = try fields.object("tuple_key") {
            filter.relation = try key.string("relation").flatMap { $0.isEmpty ? nil : $0 }
            if let object = try key.string("object"), !object.isEmpty {
                let parts = object.splitOnce(at: UInt8(ascii: ":"))
                filter.objectType = parts?.before ?? object
                filter.objectID = parts.flatMap { $0.after.isEmpty ? nil : $0.after }
            }
            if let user = try key.string("user"), !user.isEmpty {
                filter.user = try UserRef(parsing: user)
            }
        }
        let size = try fields.integer("page_size") ?? 50
        guard (1...Self.maximumPageSize).contains(size) else { throw WireError.validation("page_size must be 1 to \(Self.maximumPageSize)") }
        let token = try fields.string("continuation_token").flatMap { $0.isEmpty ? nil : ContinuationToken(text: $0) }
        let page = try warden.read(filter, store: info.id, after: token, limit: size)
        let tuples = page.tuples.map { tuple in JSONValue.object([("key", WireTuples.json(tuple)), ("timestamp", WireTuples.timestamp(Date(timeIntervalSince1970: 0)))]) }
        return Answer(status: 200, body: .object([
            ("tuples", .array(tuples)), ("continuation_token", .string(page.continuation?.text ?? "")),
        ]))
    }

    private func changes(_ id: String, _ query: [String: String]) throws -> Answer {
        let info = try store(id)
        let size = query["page_size"].flatMap(Int.init) ?? 50
        guard (1...Self.maximumPageSize).contains(size) else { throw WireError.validation("page_size must be 1 to \(Self.maximumPageSize)") }
        let token = query["continuation_token"].flatMap { $0.isEmpty ? nil : ContinuationToken(text: $0) }
        let page = try warden.changes(store: info.id, objectType: query["type"].flatMap { $0.isEmpty ? nil : $0 }, after: token, limit: size)
        let changes = page.changes.map { JSONValue.object(WireTuples.changeMembers($0)) }
        return Answer(status: 200, body: .object([
            ("changes", .array(changes)), ("continuation_token", .string(page.continuation?.text ?? token?.text ?? "")),
        ]))
    }

    // MARK: Queries

    private func checkRequest(_ fields: WireFields) throws -> CheckRequest {
        try fields.consistency()
        guard let key = try fields.object("tuple_key") else { throw WireError.validation("'tuple_key' is required") }
        return CheckRequest(
            user: try UserRef(parsing: try key.required("user")), relation: try key.required("relation"),
            object: try ObjectRef(parsing: try key.required("object")), context: try fields.context(),
            contextualTuples: try WireTuples.contextual(fields))
    }

    private func check(_ id: String, _ fields: WireFields) throws -> Answer {
        let info = try store(id)
        let result = try warden.check(
            try checkRequest(fields), store: info.id, modelID: try fields.string("authorization_model_id"), deadline: deadline,
            higherConsistency: try fields.consistency())
        observer?(result)
        return Answer(status: 200, body: .object([("allowed", .bool(result.allowed)), ("resolution", .string(""))]))
    }

    private func batchCheck(_ id: String, _ fields: WireFields) throws -> Answer {
        let info = try store(id)
        let checks = try fields.array("checks")
        guard !checks.isEmpty, checks.count <= Self.maximumBatchChecks else {
            throw WireError.validation("a batch holds 1 to \(Self.maximumBatchChecks) checks")
        }
        var ids: [String] = []
        var requests: [CheckRequest] = []
        for check in checks {
            let item = try WireFields(check)
            let correlation = try item.required("correlation_id")
            guard !ids.contains(correlation) else { throw WireError.validation("duplicate correlation_id '\(correlation)'") }
            ids.append(correlation)
            requests.append(try checkRequest(item))
        }
        try fields.consistency()
        let results = try warden.batchCheck(requests, store: info.id, modelID: try fields.string("authorization_model_id"), deadline: deadline)
        let entries = zip(ids, results).map { id, result -> (String, JSONValue) in
            switch result {
            case .success(let allowed): (id, .object([("allowed", .bool(allowed))]))
            case .failure(let error):
                (id, .object([("allowed", .bool(false)), ("error", .object([("message", .string(error.message))]))]))
            }
        }
        return Answer(status: 200, body: .object([("result", .object(entries))]))
    }

    private func listObjectsRequest(_ fields: WireFields) throws -> ListObjectsRequest {
        try fields.consistency()
        return ListObjectsRequest(
            user: try UserRef(parsing: try fields.required("user")), relation: try fields.required("relation"),
            objectType: try fields.required("type"), context: try fields.context(), contextualTuples: try WireTuples.contextual(fields),
            maximumResults: Self.maximumListResults, continuation: try fields.string("continuation_token").flatMap { $0.isEmpty ? nil : $0 })
    }

    private func listObjects(_ id: String, _ fields: WireFields) throws -> Answer {
        let info = try store(id)
        // OpenFGA stops at 1,000 objects or its 3-second deadline and says nothing; Warden says so with a
        // continuation token (a field OpenFGA's clients ignore), which a follow-up request may send back.
        let request = try listObjectsRequest(fields)
        let result = try warden.listObjects(
            request, store: info.id, modelID: try fields.string("authorization_model_id"),
            deadline: ContinuousClock.now + Self.listDeadline)
        var members: [(String, JSONValue)] = [("objects", .array(result.objects.map(JSONValue.string)))]
        if !result.isComplete, let token = result.continuation { members.append(("continuation_token", .string(token))) }
        return Answer(status: 200, body: .object(members))
    }

    /// `POST /stores/{id}/streamed-list-objects`: every object, with no 1,000 cap, in pages as they are found,
    /// until the list is complete or the list deadline passes. The transport sends each object as OpenFGA's
    /// stream does, one `{"result":{"object":…}}` line each.
    public struct ObjectStream: Sendable {
        let api: OpenFGAAPI
        let store: String
        let modelID: String?
        var request: ListObjectsRequest
        let deadline: ContinuousClock.Instant
        var finished = false

        /// The next page of objects, or nil when the list is complete (or its time is up).
        public mutating func next() throws -> [String]? {
            guard !finished else { return nil }
            let result = try api.warden.listObjects(request, store: store, modelID: modelID, deadline: deadline)
            if result.isComplete || result.continuation == nil || ContinuousClock.now >= deadline {
                finished = true
            } else {
                request.continuation = result.continuation
            }
            return result.objects
        }

        /// One object as a line of OpenFGA's stream.
        public static func line(_ object: String) -> String {
            JSONValue.object([("result", .object([("object", .string(object))]))]).compact
        }
    }

    /// The stream for a `streamed-list-objects` request, or the error a malformed one gets.
    public func streamedListObjects(storeID: String, body: JSONValue?) throws -> ObjectStream {
        let fields = try WireFields(body)
        let info = try store(storeID)
        return ObjectStream(
            api: self, store: info.id, modelID: try fields.string("authorization_model_id"), request: try listObjectsRequest(fields),
            deadline: ContinuousClock.now + Self.listDeadline)
    }

    private func listUsers(_ id: String, _ fields: WireFields) throws -> Answer {
        let info = try store(id)
        try fields.consistency()
        guard let object = try fields.object("object") else { throw WireError.validation("'object' is required") }
        let filters = try fields.array("user_filters").map { value throws -> ListUsersRequest.Filter in
            let filter = try WireFields(value)
            return ListUsersRequest.Filter(type: try filter.required("type"), relation: try filter.string("relation").flatMap { $0.isEmpty ? nil : $0 })
        }
        guard filters.count == 1 else { throw WireError.validation("'user_filters' must hold exactly one filter") }
        let request = ListUsersRequest(
            object: ObjectRef(type: try object.required("type"), id: try object.required("id")), relation: try fields.required("relation"),
            filters: filters, context: try fields.context(), contextualTuples: try WireTuples.contextual(fields))
        let users = try warden.listUsers(request, store: info.id, modelID: try fields.string("authorization_model_id"))
        return Answer(status: 200, body: .object([("users", .array(users.map(WireTuples.listUser)))]))
    }

    private func expand(_ id: String, _ fields: WireFields) throws -> Answer {
        let info = try store(id)
        try fields.consistency()
        guard let key = try fields.object("tuple_key") else { throw WireError.validation("'tuple_key' is required") }
        let tree = try warden.expand(
            relation: try key.required("relation"), object: try ObjectRef(parsing: try key.required("object")), store: info.id,
            modelID: try fields.string("authorization_model_id"))
        return Answer(status: 200, body: .object([("tree", .object([("root", tree.json)]))]))
    }

    // MARK: Assertions

    /// Assertions are kept as a document per (store, model), as OpenFGA keeps them beside the model.
    private func assertionsDocument(_ store: String, _ model: String) -> String { "assertions:\(store):\(model)" }

    private func writeAssertions(_ id: String, _ modelID: String, _ fields: WireFields) throws -> Answer {
        let info = try store(id)
        let model = try warden.model(store: info.id, id: modelID)
        let assertions = try fields.array("assertions")
        guard assertions.count <= 100 else { throw WireError.validation("at most 100 assertions") }
        for assertion in assertions {
            let item = try WireFields(assertion)
            guard let raw = item.members["tuple_key"] else { throw WireError.validation("an assertion needs a 'tuple_key'") }
            // An assertion is a check to run later: its type and relation must exist, as a check's must.
            let key = try WireTuples.key(raw)
            let type = model.model.typeDefinitions.first { $0.name.bytesEqual(key.object.type) }
            guard let type else { throw WireError(status: 400, code: "type_not_found", message: "type '\(key.object.type)' not found") }
            guard type.relations.contains(where: { $0.name.bytesEqual(key.relation) }) else {
                throw WireError(status: 400, code: "relation_not_found", message: "relation '\(type.name)#\(key.relation)' not found")
            }
            guard case .bool? = item.members["expectation"] else { throw WireError.validation("an assertion needs a boolean 'expectation'") }
            for contextual in try WireTuples.contextual(item) { try model.validator.validate(contextual) }
        }
        try warden.documents.putDocument(Array(JSONValue.array(assertions).compact.utf8), named: assertionsDocument(info.id, model.id))
        return Answer(status: 204, body: nil)
    }

    private func readAssertions(_ id: String, _ modelID: String) throws -> Answer {
        let info = try store(id)
        let model = try warden.model(store: info.id, id: modelID)
        var assertions = JSONValue.array([])
        if let bytes = try warden.documents.document(named: assertionsDocument(info.id, model.id)) {
            assertions = try JSONValue.parse(String(decoding: bytes, as: UTF8.self), anyValue: true)
        }
        return Answer(status: 200, body: .object([("authorization_model_id", .string(model.id)), ("assertions", assertions)]))
    }

    /// Whether a request changes data (and so may wait on a disk sync): the transport runs those off its
    /// request threads.
    public static func isWrite(method: String, path: [String]) -> Bool {
        switch method {
        case "PUT", "DELETE": return true
        case "POST": return path.count == 1 || path.last == "write" || path.last == "authorization-models"
        default: return false
        }
    }
}

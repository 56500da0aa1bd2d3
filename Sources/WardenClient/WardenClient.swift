import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WardenEngine
import WardenModel
import WardenStore
import WardenWire

/// A Swift client for `warden serve` (or any OpenFGA-compatible server), with the in-process ``Warden`` facade's
/// method names and value types, so a service can move from the embedded engine to a server by changing one
/// line. Async, over async-http-client; `Sendable`, share one.
///
/// ```swift
/// let client = WardenClient(baseURL: URL(string: "http://127.0.0.1:8080")!, apiKey: "…")
/// let store = try await client.createStore(name: "docs")
/// let allowed = try await client.check(CheckRequest(user: anne, relation: "viewer", object: doc), store: store.id).allowed
/// ```
///
/// Errors are the server's, as ``WireError`` (status, OpenFGA code, message); a transport failure is the HTTP
/// client's own error.
public struct WardenClient: Sendable {
    public let baseURL: URL
    /// `baseURL` as text without a trailing `/`, made once: requests from many tasks at once never touch the
    /// `URL` value (Foundation's `URL` computed `absoluteString` concurrently corrupted strings in a load test).
    let base: String
    let apiKey: String?
    let httpClient: HTTPClient
    /// How long one request may take.
    public var timeout: TimeAmount = .seconds(30)

    public init(baseURL: URL, apiKey: String? = nil, httpClient: HTTPClient = .shared) {
        self.baseURL = baseURL
        self.base = baseURL.wireBase
        self.apiKey = apiKey
        self.httpClient = httpClient
    }

    // MARK: Stores and models

    public func createStore(name: String) async throws -> StoreInfo {
        try Self.store(try await send(.POST, ["stores"], .object([("name", .string(name))])))
    }

    public func listStores() async throws -> [StoreInfo] {
        guard case .array(let stores)? = try await send(.GET, ["stores"], nil)?["stores"] else { return [] }
        return try stores.map(Self.store)
    }

    public func deleteStore(id: String) async throws {
        _ = try await send(.DELETE, ["stores", id], nil)
    }

    /// Writes a model; returns its id.
    public func writeModel(_ model: AuthorizationModel, store: String) async throws -> String {
        let answer = try await send(.POST, ["stores", store, "authorization-models"], ModelJSON.encode(model))
        guard case .string(let id)? = answer?["authorization_model_id"] else { throw Self.unexpected(answer) }
        return id
    }

    // MARK: Tuples

    public func write(_ batch: WriteBatch, store: String, modelID: String? = nil) async throws {
        var members: [(String, JSONValue)] = []
        if !batch.writes.isEmpty {
            members.append(("writes", .object([
                ("tuple_keys", .array(batch.writes.map(WireTuples.json))), ("on_duplicate", .string(batch.onDuplicate == .ignore ? "ignore" : "error")),
            ])))
        }
        if !batch.deletes.isEmpty {
            members.append(("deletes", .object([
                ("tuple_keys", .array(batch.deletes.map { WireTuples.json($0) })), ("on_missing", .string(batch.onMissing == .ignore ? "ignore" : "error")),
            ])))
        }
        if let modelID { members.append(("authorization_model_id", .string(modelID))) }
        _ = try await send(.POST, ["stores", store, "write"], .object(members))
    }

    /// One page of tuples matching `filter` (OpenFGA's Read).
    public func read(_ filter: ReadFilter, store: String, after token: ContinuationToken? = nil, limit: Int = 100) async throws -> TuplePage {
        var key: [(String, JSONValue)] = []
        if let type = filter.objectType { key.append(("object", .string(type + ":" + (filter.objectID ?? "")))) }
        if let relation = filter.relation { key.append(("relation", .string(relation))) }
        if let user = filter.user { key.append(("user", .string(user.description))) }
        var members: [(String, JSONValue)] = [("page_size", .number(String(limit)))]
        if !key.isEmpty { members.append(("tuple_key", .object(key))) }
        if let token { members.append(("continuation_token", .string(token.text))) }
        let answer = try await send(.POST, ["stores", store, "read"], .object(members))
        guard case .array(let entries)? = answer?["tuples"] else { throw Self.unexpected(answer) }
        let tuples = try entries.map { entry throws -> RelationshipTuple in
            guard let key = entry["key"] else { throw Self.unexpected(entry) }
            return try WireTuples.tuple(key)
        }
        let next = answer?["continuation_token"].flatMap { value -> ContinuationToken? in
            guard case .string(let text) = value, !text.isEmpty else { return nil }
            return ContinuationToken(text: text)
        }
        return TuplePage(tuples: tuples, continuation: next)
    }

    // MARK: Queries

    public func check(_ request: CheckRequest, store: String, modelID: String? = nil) async throws -> CheckResult {
        let answer = try await send(.POST, ["stores", store, "check"], Self.checkBody(request, modelID: modelID))
        guard case .bool(let allowed)? = answer?["allowed"] else { throw Self.unexpected(answer) }
        return CheckResult(allowed: allowed)
    }

    /// Many checks in one request (at most 50, OpenFGA's limit); each answer in request order.
    public func batchCheck(_ requests: [CheckRequest], store: String, modelID: String? = nil) async throws -> [Result<Bool, WireError>] {
        let checks = requests.enumerated().map { index, request in
            JSONValue.object(Self.checkMembers(request) + [("correlation_id", .string(String(index)))])
        }
        var members: [(String, JSONValue)] = [("checks", .array(checks))]
        if let modelID { members.append(("authorization_model_id", .string(modelID))) }
        let answer = try await send(.POST, ["stores", store, "batch-check"], .object(members))
        return requests.indices.map { index in
            let entry = answer?["result"]?[String(index)]
            if case .bool(let allowed)? = entry?["allowed"], entry?["error"] == nil { return .success(allowed) }
            let message: String = if case .string(let text)? = entry?["error"]?["message"] { text } else { "no answer" }
            return .failure(WireError(status: 400, code: "check_failed", message: message))
        }
    }

    /// ListObjects: one page (at most 1,000 objects); `continuation` says where the next one starts.
    public func listObjects(_ request: ListObjectsRequest, store: String, modelID: String? = nil) async throws -> ListObjectsResult {
        var members: [(String, JSONValue)] = [
            ("user", .string(request.user.description)), ("relation", .string(request.relation)), ("type", .string(request.objectType)),
        ]
        members += Self.extras(context: request.context, contextualTuples: request.contextualTuples, modelID: modelID)
        if let token = request.continuation { members.append(("continuation_token", .string(token))) }
        let answer = try await send(.POST, ["stores", store, "list-objects"], .object(members))
        guard case .array(let objects)? = answer?["objects"] else { throw Self.unexpected(answer) }
        let names = objects.compactMap { value -> String? in if case .string(let name) = value { name } else { nil } }
        let token: String? = if case .string(let text)? = answer?["continuation_token"], !text.isEmpty { text } else { nil }
        return ListObjectsResult(objects: names, isComplete: token == nil, continuation: token)
    }

    public func listUsers(_ request: ListUsersRequest, store: String, modelID: String? = nil) async throws -> [UserRef] {
        var members: [(String, JSONValue)] = [
            ("object", .object([("type", .string(request.object.type)), ("id", .string(request.object.id))])),
            ("relation", .string(request.relation)),
            ("user_filters", .array(request.filters.map { filter in
                .object([("type", .string(filter.type))] + (filter.relation.map { [("relation", JSONValue.string($0))] } ?? []))
            })),
        ]
        members += Self.extras(context: request.context, contextualTuples: request.contextualTuples, modelID: modelID)
        let answer = try await send(.POST, ["stores", store, "list-users"], .object(members))
        guard case .array(let users)? = answer?["users"] else { throw Self.unexpected(answer) }
        return try users.map { try WireTuples.user(fromListEntry: $0) }
    }

    /// The layered decision for a caller's access token (`POST /stores/{id}/authorize`), as the server answers it.
    public func authorize(token: String, permission: String, object: ObjectRef, store: String, context: JSONValue? = nil) async throws -> JSONValue {
        var members: [(String, JSONValue)] = [("permission", .string(permission)), ("object", .string(object.description))]
        if let context { members.append(("context", context)) }
        guard let answer = try await send(.POST, ["stores", store, "authorize"], .object(members), bearer: token) else { throw Self.unexpected(nil) }
        return answer
    }

    // MARK: Transport

    static func checkMembers(_ request: CheckRequest) -> [(String, JSONValue)] {
        [("tuple_key", .object([
            ("user", .string(request.user.description)), ("relation", .string(request.relation)), ("object", .string(request.object.description)),
        ]))] + extras(context: request.context, contextualTuples: request.contextualTuples, modelID: nil)
    }

    static func checkBody(_ request: CheckRequest, modelID: String?) -> JSONValue {
        .object(checkMembers(request) + (modelID.map { [("authorization_model_id", JSONValue.string($0))] } ?? []))
    }

    static func extras(context: JSONValue?, contextualTuples: [RelationshipTuple], modelID: String?) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let context { members.append(("context", context)) }
        if !contextualTuples.isEmpty {
            members.append(("contextual_tuples", .object([("tuple_keys", .array(contextualTuples.map(WireTuples.json)))])))
        }
        if let modelID { members.append(("authorization_model_id", .string(modelID))) }
        return members
    }

    static func store(_ value: JSONValue?) throws -> StoreInfo {
        guard case .string(let id)? = value?["id"], case .string(let name)? = value?["name"] else { throw unexpected(value) }
        var created = Date(timeIntervalSince1970: 0)
        if case .string(let text)? = value?["created_at"], let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            created = date
        }
        return StoreInfo(id: id, name: name, createdAt: created)
    }

    static func unexpected(_ value: JSONValue?) -> WireError {
        WireError(status: 502, code: "unexpected_answer", message: "the server's answer has an unexpected shape: \(value?.compact.prefix(200) ?? "(empty)")")
    }

    /// Sends one request; a non-2xx answer is thrown as the server's ``WireError``.
    func send(_ method: HTTPMethod, _ path: [String], _ body: JSONValue?, bearer: String? = nil) async throws -> JSONValue? {
        let wire = WireRequest(base: base, method: method, path: path, body: body, bearer: bearer ?? apiKey)
        var request = HTTPClientRequest(url: wire.url)
        request.method = wire.method
        request.headers = wire.headers
        if let bytes = wire.body { request.body = .bytes(bytes) }
        let response = try await httpClient.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let json = try WireRequest.json(bytes)
        guard (200..<300).contains(Int(response.status.code)) else {
            let code: String = if case .string(let value)? = json?["code"] { value } else { "http_\(response.status.code)" }
            let message: String = if case .string(let value)? = json?["message"] { value } else { String(buffer: bytes) }
            throw WireError(status: Int(response.status.code), code: code, message: message)
        }
        return json
    }
}

import WardenEngine
import WardenModel

/// What `warden bench` asks of a target: a model, the tuples to load, and the mix of requests to send over and
/// over (each assertion of a store file is one request).
public struct BenchWorkload: Sendable {
    /// One request of the mix.
    public enum Request: Sendable {
        case check(CheckRequest)
        case listObjects(ListObjectsRequest)
        case listUsers(ListUsersRequest)

        /// The request kind a report groups by: `check`, `list-objects` or `list-users`.
        public var kind: String {
            switch self {
            case .check: "check"
            case .listObjects: "list-objects"
            case .listUsers: "list-users"
            }
        }

        /// The kind with the type and relation asked about (`check document#viewer`), a report's finer grouping.
        public var label: String {
            switch self {
            case .check(let request): "check \(request.object.type)#\(request.relation)"
            case .listObjects(let request): "list-objects \(request.objectType)#\(request.relation)"
            case .listUsers(let request): "list-users \(request.object.type)#\(request.relation)"
            }
        }
    }

    /// Where the workload came from, for the report.
    public var description: String
    /// The model and tuples to load into a fresh store; nil for requests against a store that already holds its
    /// data (``init(requestFile:)``).
    public var model: AuthorizationModel?
    public var tuples: [RelationshipTuple]
    public var requests: [Request]

    public init(description: String, model: AuthorizationModel?, tuples: [RelationshipTuple], requests: [Request]) {
        self.description = description
        self.model = model
        self.tuples = tuples
        self.requests = requests
    }

    /// A store file's tuples (its own and every test's) and its assertions as the request mix. Contextual tuples
    /// are not part of a store file's checks, so none are sent.
    /// - Throws: ``TupleReferenceError`` for a check or list naming a malformed user or object.
    public init(storeFile file: StoreFile) throws {
        var requests: [Request] = []
        for test in file.tests {
            for check in test.checks {
                let user = try UserRef(parsing: check.user)
                let object = try ObjectRef(parsing: check.object)
                for (relation, _) in check.assertions {
                    requests.append(.check(CheckRequest(user: user, relation: relation, object: object, context: check.context)))
                }
            }
            for list in test.listObjects {
                let user = try UserRef(parsing: list.user)
                for (relation, _) in list.assertions {
                    requests.append(.listObjects(ListObjectsRequest(user: user, relation: relation, objectType: list.type, context: list.context)))
                }
            }
            for list in test.listUsers {
                let object = try ObjectRef(parsing: list.object)
                let filters = list.filters.map { ListUsersRequest.Filter(type: $0.type, relation: $0.relation) }
                for (relation, _) in list.assertions {
                    requests.append(.listUsers(ListUsersRequest(object: object, relation: relation, filters: filters, context: list.context)))
                }
            }
        }
        let counts = Dictionary(grouping: requests, by: \.kind).mapValues(\.count)
        let mix = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        self.init(
            description: "\(file.path): \(file.tuples.count + file.tests.reduce(0) { $0 + $1.tuples.count }) tuples; \(mix)",
            model: file.model, tuples: file.tuples + file.tests.flatMap(\.tuples), requests: requests)
    }

    /// A failing line of a request file.
    public struct RequestFileFailure: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): error: \(message)" }
    }

    /// Requests for a store that already holds its model and tuples: a JSON Lines file, one request per line —
    /// `{"user": "user:anne", "relation": "viewer", "object": "doc:1"}` (a check),
    /// `{"user": "user:anne", "relation": "viewer", "type": "doc"}` (ListObjects),
    /// `{"object": "doc:1", "relation": "viewer", "user_filter": "user"}` (ListUsers; `type#relation` for usersets),
    /// each with an optional `"context"` object. Blank lines are skipped.
    /// - Throws: ``RequestFileFailure`` naming the line of the first malformed request.
    public init(requestFile path: String) throws {
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw RequestFileFailure(file: path, line: 0, message: "the request file cannot be read: \(error)")
        }
        var requests: [Request] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) else { continue }
            func fail(_ message: String) -> RequestFileFailure { RequestFileFailure(file: path, line: offset + 1, message: message) }
            let value: JSONValue
            do {
                value = try JSONValue.parse(String(line))
            } catch {
                throw fail("not a JSON object: \(error.message)")
            }
            guard case .object(let members) = value else { throw fail("not a JSON object") }
            func text(_ key: String) -> String? { if case .string(let text)? = value[key] { text } else { nil } }
            let known: Set<String> = ["user", "relation", "object", "type", "user_filter", "context"]
            if let unknown = members.first(where: { !known.contains($0.0) }) { throw fail("unknown key '\(unknown.0)'") }
            let context = value["context"]
            if let context, case .object = context {} else if context != nil { throw fail("'context' is not an object") }
            guard let relation = text("relation") else { throw fail("'relation' is missing") }
            do {
                if let filter = text("user_filter"), let object = text("object"), text("user") == nil {
                    let parts = filter.split(separator: "#", maxSplits: 1).map(String.init)
                    let filters = [ListUsersRequest.Filter(type: parts.first ?? "", relation: parts.count > 1 ? parts[1] : nil)]
                    requests.append(.listUsers(ListUsersRequest(object: try ObjectRef(parsing: object), relation: relation, filters: filters, context: context)))
                } else if let user = text("user"), let type = text("type"), text("object") == nil {
                    requests.append(.listObjects(ListObjectsRequest(user: try UserRef(parsing: user), relation: relation, objectType: type, context: context)))
                } else if let user = text("user"), let object = text("object"), text("type") == nil {
                    requests.append(.check(CheckRequest(user: try UserRef(parsing: user), relation: relation, object: try ObjectRef(parsing: object), context: context)))
                } else {
                    throw fail("a request has 'user' and 'object' (a check), 'user' and 'type' (ListObjects), or 'object' and 'user_filter' (ListUsers)")
                }
            } catch let error as TupleReferenceError {
                throw fail("\(error)")
            }
        }
        guard !requests.isEmpty else { throw RequestFileFailure(file: path, line: 0, message: "the request file holds no request") }
        let counts = Dictionary(grouping: requests, by: \.kind).mapValues(\.count)
        let mix = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        self.init(description: "\(path): \(mix)", model: nil, tuples: [], requests: requests)
    }
}

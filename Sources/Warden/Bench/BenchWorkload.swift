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
    public var model: AuthorizationModel
    public var tuples: [RelationshipTuple]
    public var requests: [Request]

    public init(description: String, model: AuthorizationModel, tuples: [RelationshipTuple], requests: [Request]) {
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
}

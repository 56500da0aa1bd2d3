import WardenModel
import WardenStore

/// ListUsers: who has a relation on an object, restricted to some user types (or usersets `group#member`).
public struct ListUsersRequest: Hashable, Sendable {
    /// A user type to list, optionally as usersets of a relation (`group#member`).
    public struct Filter: Hashable, Sendable {
        public var type: String
        public var relation: String?
        public init(type: String, relation: String? = nil) {
            self.type = type
            self.relation = relation
        }
    }

    public var object: ObjectRef
    public var relation: String
    public var filters: [Filter]
    public var context: JSONValue?
    public var contextualTuples: [RelationshipTuple]

    public init(
        object: ObjectRef, relation: String, filters: [Filter], context: JSONValue? = nil,
        contextualTuples: [RelationshipTuple] = []
    ) {
        self.object = object
        self.relation = relation
        self.filters = filters
        self.context = context
        self.contextualTuples = contextualTuples
    }
}

extension CheckEngine {
    /// Lists the users (`user:anne`), typed wildcards (`user:*`) and usersets (`group:eng#member`) matching the
    /// filters that have the relation on the object, sorted.
    ///
    /// Candidates come from walking the relation's rewrite forward through stored tuples; each is then confirmed
    /// by a check, so the answer agrees with Check by construction.
    /// - Throws: ``CheckError`` for a malformed request, a bad contextual tuple, or depth exceeded.
    public func listUsers<Snapshot: TupleSnapshot>(
        _ request: ListUsersRequest, model: CompiledModel, snapshot: Snapshot
    ) throws(CheckError) -> [UserRef] {
        try RequestValidation.validateListUsers(request, in: model)
        try RequestValidation.validate(contextual: request.contextualTuples, in: model)
        let overlay = ContextualSnapshot(base: snapshot, contextualTuples: request.contextualTuples)
        let walk = makeWalk(overlay, model, request.context, storeID: nil, explain: false)
        var expansion = ForwardExpansion(model: model, snapshot: overlay, filters: request.filters, conditionHolds: walk.conditionHolds)
        try expansion.visit(request.object, request.relation)
        var users: [UserRef] = []
        for candidate in expansion.candidates.sorted(by: { $0.description < $1.description }) {
            let problem = Subproblem(object: request.object, relation: request.relation, user: candidate)
            if try walk.dispatch(problem, depth: 0).allowed { users.append(candidate) }
        }
        return users
    }
}

/// Collects the users a relation might reach by following its rewrite through tuples, usersets and parents.
///
/// Conditions are evaluated on the way, as OpenFGA's ListUsers does: a tuple whose condition fails is not
/// followed, and one whose condition cannot be evaluated (missing parameters) fails the whole request.
struct ForwardExpansion<Snapshot: TupleSnapshot> {
    let model: CompiledModel
    let snapshot: Snapshot
    let filters: [ListUsersRequest.Filter]
    let conditionHolds: (RelationshipTuple) throws(CheckError) -> Bool
    private(set) var candidates = Set<UserRef>()
    private var visited = Set<Subproblem>()

    init(
        model: CompiledModel, snapshot: Snapshot, filters: [ListUsersRequest.Filter],
        conditionHolds: @escaping (RelationshipTuple) throws(CheckError) -> Bool
    ) {
        self.model = model
        self.snapshot = snapshot
        self.filters = filters
        self.conditionHolds = conditionHolds
    }

    private func wanted(_ user: UserRef) -> Bool {
        filters.contains { filter in
            switch user {
            case .object(let object): filter.type == object.type && filter.relation == nil
            // OpenFGA returns a typed wildcard for a userset filter of the same type too (`directs-user:*` for
            // `directs-user#direct`); the reference engine does, so Warden does.
            case .wildcard(let type): filter.type == type
            case .userset(let object, let relation): filter.type == object.type && filter.relation == relation
            }
        }
    }

    mutating func visit(_ object: ObjectRef, _ relationName: String) throws(CheckError) {
        // The user field is unused here; the subproblem serves as a visited (object, relation) pair.
        let key = Subproblem(object: object, relation: relationName, user: .wildcard(type: ""))
        guard visited.insert(key).inserted, let relation = model.relation(object.type, relationName) else { return }
        // Skip relations that cannot produce any requested kind of user (OpenFGA prunes the same way, so it never
        // evaluates their conditions either).
        let userset = UserRef.userset(object, relation: relationName)
        guard wanted(userset) || filters.contains(where: { model.canReach(object.type, relationName, userType: $0.type, userRelation: $0.relation) })
        else { return }
        if wanted(userset) { candidates.insert(userset) }
        try visit(relation.rewrite, object, relationName)
    }

    private mutating func visit(_ rewrite: Rewrite, _ object: ObjectRef, _ relationName: String) throws(CheckError) {
        switch rewrite {
        case .direct:
            for tuple in try read(object, relationName, userRelation: nil) where try conditionHolds(tuple) {
                if wanted(tuple.key.user) { candidates.insert(tuple.key.user) }
                if case .userset(let group, let groupRelation) = tuple.key.user { try visit(group, groupRelation) }
            }
        case .computedUserset(let target, _):
            try visit(object, target)
        case .tupleToUserset(let tupleset, let computed, _, _):
            for tuple in try read(object, tupleset, userRelation: "") where try conditionHolds(tuple) {
                if case .object(let parent) = tuple.key.user { try visit(parent, computed) }
            }
        case .union(let children), .intersection(let children):
            for child in children { try visit(child, object, relationName) }
        case .exclusion(let base, _):
            try visit(base, object, relationName)
        }
    }

    private func read(_ object: ObjectRef, _ relation: String, userRelation: String?) throws(CheckError) -> [RelationshipTuple] {
        do {
            return try snapshot.tuples(object: object, relation: relation, userType: nil, userRelation: userRelation)
        } catch {
            throw CheckError(error)
        }
    }
}

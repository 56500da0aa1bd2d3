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
    /// OpenFGA's algorithm: expand the relation forward through tuples, usersets and parents, collecting what
    /// matches the filters; at an intersection or exclusion, confirm each candidate with a check of that
    /// sub-expression. A user reached only through a typed wildcard is reported as the wildcard, not by name.
    /// - Throws: ``CheckError`` for a malformed request, a bad contextual tuple, a condition missing parameters,
    ///   or depth exceeded.
    @_specialize(where Snapshot == KeyValueSnapshot<LMDBTableReader>)
    @_specialize(where Snapshot == KeyValueSnapshot<MemoryTables>)
    public func listUsers<Snapshot: TupleSnapshot>(
        _ request: ListUsersRequest, model: CompiledModel, snapshot: Snapshot
    ) throws(CheckError) -> [UserRef] {
        try RequestValidation.validateListUsers(request, in: model)
        try RequestValidation.validate(contextual: request.contextualTuples, in: model)
        try RequestValidation.validate(context: request.context)
        let overlay = ContextualSnapshot(base: snapshot, contextualTuples: request.contextualTuples)
        let walk = makeWalk(overlay, model, request.context, storeID: nil, explain: false)
        var expansion = ForwardExpansion(walk: walk, filters: request.filters, maximumDepth: configuration.maximumDepth)
        let found = try expansion.expand(request.object, request.relation, depth: 0).users
        return found.filter(expansion.wanted).sorted { $0.description.bytesPrecede($1.description) }
    }
}

/// OpenFGA's ListUsers expansion: the set of users a relation reaches, computed per (object, relation) and
/// memoized, with cycles contributing nothing (the least fixpoint).
struct ForwardExpansion<Snapshot: TupleSnapshot> {
    struct Found {
        var users: Set<UserRef>
        /// As ``Outcome/cycleBound``: the outermost in-progress expansion this result met again.
        var cycleBound: Int
    }

    let walk: Walk<Snapshot>
    let filters: [ListUsersRequest.Filter]
    let maximumDepth: Int
    /// Every user mentioned anywhere below, both sides of exclusions and every intersection operand included, with
    /// no condition evaluated: a superset, for finding who may escape a wildcard's exclusion.
    let superset: Bool
    private var model: CompiledModel { walk.model }
    private var memo: [Subproblem: Found] = [:]
    private var inProgress: [Subproblem: Int] = [:]

    init(walk: Walk<Snapshot>, filters: [ListUsersRequest.Filter], maximumDepth: Int, superset: Bool = false) {
        self.walk = walk
        self.filters = filters
        self.maximumDepth = maximumDepth
        self.superset = superset
    }

    func wanted(_ user: UserRef) -> Bool {
        filters.contains { filter in
            switch user {
            case .object(let object): filter.type.bytesEqual(object.type) && filter.relation == nil
            // OpenFGA returns a typed wildcard for a userset filter of the same type too (`directs-user:*` for
            // `directs-user#direct`); the reference engine does, so Warden does.
            case .wildcard(let type): filter.type.bytesEqual(type)
            case .userset(let object, let relation):
                filter.type.bytesEqual(object.type) && (filter.relation.map { $0.bytesEqual(relation) } ?? false)
            }
        }
    }

    /// Whether expanding `type#relation` can produce anything the filters ask for (OpenFGA prunes the same way,
    /// so it never evaluates those branches' conditions either).
    private func useful(_ type: String, _ relation: String) -> Bool {
        filters.contains { model.canReach(type, relation, userType: $0.type, userRelation: $0.relation) }
    }

    mutating func expand(_ object: ObjectRef, _ relationName: String, depth: Int) throws(CheckError) -> Found {
        let key = Subproblem(object: object, relation: relationName, user: .wildcard(type: ""))
        if let known = memo[key] { return known }
        if let position = inProgress[key] { return Found(users: [], cycleBound: position) }
        guard let relation = model.relation(object.type, relationName), useful(object.type, relationName) else {
            return Found(users: [], cycleBound: .max)
        }
        guard depth < maximumDepth else { throw CheckError.resolutionTooComplex() }
        if let found = try indexedNesting(relation, object, relationName, depth: depth) {
            memo[key] = found
            return found
        }
        let position = inProgress.count
        inProgress[key] = position
        defer { inProgress[key] = nil }
        var found = try expand(relation.rewrite, relation, object, relationName, depth: depth)
        found.users.insert(.userset(object, relation: relationName))
        if found.cycleBound >= position { found.cycleBound = .max }
        if found.cycleBound == .max { memo[key] = found }
        return found
    }

    private mutating func expand(
        _ rewrite: Rewrite, _ relation: CompiledRelation, _ object: ObjectRef, _ relationName: String, depth: Int
    ) throws(CheckError) -> Found {
        switch rewrite {
        case .direct:
            var found = Found(users: [], cycleBound: .max)
            for tuple in try read(object, relationName, userRelation: nil) where model.admits(tuple, in: relation) {
                guard try (superset ? true : walk.conditionHolds(tuple)) else { continue }
                found.users.insert(tuple.key.user)
                if case .userset(let group, let groupRelation) = tuple.key.user {
                    found.merge(try expand(group, groupRelation, depth: depth + 1))
                }
            }
            return found
        case .computedUserset(let target, _):
            return try expand(object, target, depth: depth)
        case .tupleToUserset(let tupleset, let computed, _, _):
            var found = Found(users: [], cycleBound: .max)
            guard let tuplesetRelation = model.relation(object.type, tupleset) else { return found }
            for tuple in try read(object, tupleset, userRelation: "") where model.admits(tuple, in: tuplesetRelation) {
                guard case .object(let parent) = tuple.key.user, try (superset ? true : walk.conditionHolds(tuple)) else { continue }
                found.merge(try expand(parent, computed, depth: depth + 1))
            }
            return found
        case .union(let children):
            var found = Found(users: [], cycleBound: .max)
            for child in children { found.merge(try expand(child, relation, object, relationName, depth: depth)) }
            return found
        case .intersection(let children):
            var candidates = Found(users: [], cycleBound: .max)
            for child in children { candidates.merge(try expand(child, relation, object, relationName, depth: depth)) }
            if superset { return candidates }
            return try confirm(candidates, rewrite, relation, object, relationName, depth: depth)
        case .exclusion(let base, let subtract):
            var candidates = try expand(base, relation, object, relationName, depth: depth)
            if superset {
                candidates.merge(try expand(subtract, relation, object, relationName, depth: depth))
                return candidates
            }
            // A wildcard in the base grants every user the subtrahend does not take away; those the subtrahend
            // names (an exception inside it, say) may be granted by name, so they are candidates too.
            let wildcardTypes = Set(candidates.users.compactMap { user -> ByteString? in
                if case .wildcard(let type) = user { return ByteString(type) } else { return nil }
            })
            if !wildcardTypes.isEmpty {
                var mentioned = ForwardExpansion(walk: walk, filters: filters, maximumDepth: maximumDepth, superset: true)
                if let named = try? mentioned.expand(subtract, relation, object, relationName, depth: depth) {
                    for case .object(let user) in named.users where wildcardTypes.contains(ByteString(user.type)) {
                        candidates.users.insert(.object(user))
                    }
                }
            }
            return try confirm(candidates, rewrite, relation, object, relationName, depth: depth)
        }
    }

    /// The users of a relation that nests its own groups (`define member: [user, group#member]`), from the store's
    /// nested-group index: the group and every group nested in it, with the users each holds directly. Nil (walk)
    /// when the index cannot answer, or when the walk might reach the depth limit: its deepest step lies at most
    /// one level per nested group below `depth`, so with fewer groups than levels left it cannot, and the two
    /// give the same users.
    private func indexedNesting(
        _ relation: CompiledRelation, _ object: ObjectRef, _ relationName: String, depth: Int
    ) throws(CheckError) -> Found? {
        guard relation.nestsOwnGroups, walk.useNestedGroupIndex else { return nil }
        let nested: [String]?
        do {
            nested = try walk.snapshot.nestedGroups(.down, type: object.type, relation: relationName, of: object.id)
        } catch {
            throw CheckError(error)
        }
        guard let nested, depth + nested.count < maximumDepth else { return nil }
        // The group itself first: its userset and its own users, as the walk gives them.
        var found = Found(users: [], cycleBound: .max)
        for group in [object] + nested.map({ ObjectRef(type: object.type, id: $0) }) {
            found.users.insert(.userset(group, relation: relationName))
            for tuple in try read(group, relationName, userRelation: nil) where model.admits(tuple, in: relation) {
                guard try (superset ? true : walk.conditionHolds(tuple)) else { continue }
                found.users.insert(tuple.key.user)
            }
        }
        return found
    }

    /// Keeps the candidates for which the intersection or exclusion itself holds, by check resolution.
    private func confirm(
        _ candidates: Found, _ rewrite: Rewrite, _ relation: CompiledRelation, _ object: ObjectRef, _ relationName: String,
        depth: Int
    ) throws(CheckError) -> Found {
        var kept = Found(users: [], cycleBound: candidates.cycleBound)
        for user in candidates.users where wanted(user) {
            let outcome = try walk.evaluate(rewrite, relation, Subproblem(object: object, relation: relationName, user: user), depth: depth)
            if outcome.allowed { kept.users.insert(user) }
        }
        return kept
    }

    private func read(_ object: ObjectRef, _ relation: String, userRelation: String?) throws(CheckError) -> [RelationshipTuple] {
        do {
            return try walk.snapshot.tuples(object: object, relation: relation, userType: nil, userRelation: userRelation)
        } catch {
            throw CheckError(error)
        }
    }
}

extension ForwardExpansion.Found {
    mutating func merge(_ other: Self) {
        users.formUnion(other.users)
        cycleBound = min(cycleBound, other.cycleBound)
    }
}

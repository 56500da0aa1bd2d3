import WardenModel

/// Contextual tuples laid over a snapshot: request-scoped tuples that every query sees as if they were written
/// (OpenFGA's combined tuple reader). A contextual tuple with the key of a stored one replaces it.
public struct ContextualSnapshot<Base: TupleSnapshot>: TupleSnapshot {
    public let base: Base
    private let byKey: [TupleKey: RelationshipTuple]
    private let byObjectRelation: [ObjectRelation: [RelationshipTuple]]

    private struct ObjectRelation: Hashable {
        var object: ObjectRef
        var relation: String

        static func == (lhs: ObjectRelation, rhs: ObjectRelation) -> Bool {
            lhs.object == rhs.object && lhs.relation.bytesEqual(rhs.relation)
        }
    }

    public init(base: Base, contextualTuples: [RelationshipTuple]) {
        self.base = base
        var byKey: [TupleKey: RelationshipTuple] = [:]
        var byObjectRelation: [ObjectRelation: [RelationshipTuple]] = [:]
        for tuple in contextualTuples where byKey.updateValue(tuple, forKey: tuple.key) == nil {
            byObjectRelation[ObjectRelation(object: tuple.key.object, relation: tuple.key.relation), default: []].append(tuple)
        }
        self.byKey = byKey
        self.byObjectRelation = byObjectRelation
    }

    public var revision: Revision { base.revision }
    public var version: UInt64 { base.version }

    /// The contextual tuples, deduplicated.
    public var contextualTuples: [RelationshipTuple] { Array(byKey.values) }

    public func tuple(_ key: TupleKey) throws(StoreError) -> RelationshipTuple? {
        if let contextual = byKey[key] { return contextual }
        return try base.tuple(key)
    }

    public func pointRead(_ key: TupleKey) throws(StoreError) -> PointRead {
        if let contextual = byKey[key] { return .present(condition: contextual.condition) }
        return try base.pointRead(key)
    }

    public func tuples(object: ObjectRef, relation: String, userType: String?, userRelation: String?) throws(StoreError)
        -> [RelationshipTuple]
    {
        let stored = try base.tuples(object: object, relation: relation, userType: userType, userRelation: userRelation)
        guard let extra = byObjectRelation[ObjectRelation(object: object, relation: relation)] else { return stored }
        let matching = extra.filter { tuple in
            let user = KeyLayout.userFields(tuple.key.user)
            return (userType.map { $0.bytesEqual(user.type) } ?? true)
                && (userRelation.map { $0.bytesEqual(user.relation) } ?? true)
        }
        return matching + stored.filter { byKey[$0.key] == nil }
    }

    public func tuples(user: UserRef, objectType: String, relation: String) throws(StoreError) -> [RelationshipTuple] {
        let stored = try base.tuples(user: user, objectType: objectType, relation: relation)
        let matching = byKey.values.filter {
            $0.key.user == user && $0.key.object.type.bytesEqual(objectType) && $0.key.relation.bytesEqual(relation)
        }
        return matching + stored.filter { byKey[$0.key] == nil }
    }

    public func read(_ filter: ReadFilter, after token: ContinuationToken?, limit: Int) throws(StoreError) -> TuplePage {
        try base.read(filter, after: token, limit: limit)
    }

    public func changes(objectType: String?, after token: ContinuationToken?, limit: Int) throws(StoreError) -> ChangePage {
        try base.changes(objectType: objectType, after: token, limit: limit)
    }

    public func endOfChanges() throws(StoreError) -> ContinuationToken? {
        try base.endOfChanges()
    }

    /// The index has not seen the contextual tuples: with any, checks walk.
    public func hasNestedGroupIndex() throws(StoreError) -> Bool {
        byKey.isEmpty ? try base.hasNestedGroupIndex() : false
    }

    public func nestedHops(type: String, relation: String, from ancestor: String, to descendant: String) throws(StoreError) -> Int? {
        try base.nestedHops(type: type, relation: relation, from: ancestor, to: descendant)
    }

    public func nestingHeight(type: String, relation: String, of group: String) throws(StoreError) -> Int {
        try base.nestingHeight(type: type, relation: relation, of: group)
    }

    public func nestedGroups(_ direction: NestingDirection, type: String, relation: String, of group: String) throws(StoreError) -> [String]? {
        byKey.isEmpty ? try base.nestedGroups(direction, type: type, relation: relation, of: group) : nil
    }

    public func expiryHorizon() throws(StoreError) -> UInt64 {
        try base.expiryHorizon()
    }

    public var expiryNow: UInt64 { base.expiryNow }

    public func nearestNestedGroup(
        user: ObjectRef, type: String, relation: String, from object: String
    ) throws(StoreError) -> NestedGroupReach {
        try base.nearestNestedGroup(user: user, type: type, relation: relation, from: object)
    }
}

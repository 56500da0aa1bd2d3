import WardenModel

/// Any backend's snapshot behind one concrete type, for code that holds a store as `any TupleStore` (a `Warden` on
/// PostgreSQL, the CLI's query commands). Each call is one dynamic dispatch; the embedded LMDB path does not use it.
public struct AnyTupleSnapshot: TupleSnapshot {
    let base: any TupleSnapshot

    public init(_ base: any TupleSnapshot) {
        self.base = base
    }

    public var revision: Revision { base.revision }
    public var version: UInt64 { base.version }

    public func tuple(_ key: TupleKey) throws(StoreError) -> RelationshipTuple? {
        try base.tuple(key)
    }

    public func pointRead(_ key: TupleKey) throws(StoreError) -> PointRead {
        try base.pointRead(key)
    }

    public func tuples(object: ObjectRef, relation: String, userType: String?, userRelation: String?) throws(StoreError)
        -> [RelationshipTuple]
    {
        try base.tuples(object: object, relation: relation, userType: userType, userRelation: userRelation)
    }

    public func tuples(user: UserRef, objectType: String, relation: String) throws(StoreError) -> [RelationshipTuple] {
        try base.tuples(user: user, objectType: objectType, relation: relation)
    }

    public func visitTuples(
        object: ObjectRef, relation: String, userType: String?, userRelation: String?,
        _ body: (RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError) {
        try base.visitTuples(object: object, relation: relation, userType: userType, userRelation: userRelation, body)
    }

    public func visitTuples(
        user: UserRef, objectType: String, relation: String, _ body: (RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError) {
        try base.visitTuples(user: user, objectType: objectType, relation: relation, body)
    }

    public func hasTuple(user: UserRef, objectType: String, relation: String) throws(StoreError) -> Bool {
        try base.hasTuple(user: user, objectType: objectType, relation: relation)
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

    public func hasNestedGroupIndex() throws(StoreError) -> Bool {
        try base.hasNestedGroupIndex()
    }

    public func nestedHops(type: String, relation: String, from ancestor: String, to descendant: String) throws(StoreError) -> Int? {
        try base.nestedHops(type: type, relation: relation, from: ancestor, to: descendant)
    }

    public func nestingHeight(type: String, relation: String, of group: String) throws(StoreError) -> Int {
        try base.nestingHeight(type: type, relation: relation, of: group)
    }

    public func nestedGroups(_ direction: NestingDirection, type: String, relation: String, of group: String) throws(StoreError) -> [String]? {
        try base.nestedGroups(direction, type: type, relation: relation, of: group)
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

extension TupleStore {
    /// ``read(store:_:)`` for a store held as `any TupleStore`: the snapshot comes as an ``AnyTupleSnapshot``.
    public func readAny<Result>(store: String, _ body: (AnyTupleSnapshot) throws -> Result) throws -> Result {
        try read(store: store) { snapshot in try body(AnyTupleSnapshot(snapshot)) }
    }
}

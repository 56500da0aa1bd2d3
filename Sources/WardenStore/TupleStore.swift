import WardenModel

/// Durable home of stores, authorization models and relationship tuples. ``LMDBTupleStore`` is the product;
/// ``PostgresTupleStore`` (module WardenPostgres) shares one database among servers; ``MemoryTupleStore`` is a test
/// aid with the same behaviour (one contract suite runs against all three).
///
/// The protocol is the sum of three concerns, each a protocol of its own so a part of Warden that needs one asks
/// for that one: ``StoreCatalog`` (stores and their models), ``TupleData`` (snapshots, atomic writes, data versions)
/// and ``DocumentStore`` (documents kept beside the tuples: the tenant directory, signing keys, assertions).
///
/// ```swift
/// let store = try tuples.createStore(name: "demo")
/// try tuples.write(WriteBatch(writes: [tuple]), store: store.id)
/// let found = try tuples.read(store: store.id) { snapshot in try snapshot.tuple(tuple.key) }
/// ```
public protocol TupleStore: StoreCatalog, TupleData, DocumentStore {}

/// Stores and their authorization models: where a request's store id and model id are looked up.
public protocol StoreCatalog: Sendable {
    /// Creates an empty store.
    /// - Throws: ``StoreError`` `.invalidArgument` for an empty or over-long name.
    func createStore(name: String) throws(StoreError) -> StoreInfo
    /// The store with `id`.
    /// - Throws: ``StoreError`` `.storeNotFound`.
    func store(id: String) throws(StoreError) -> StoreInfo
    /// Every store, oldest first.
    func listStores() throws(StoreError) -> [StoreInfo]
    /// Deletes a store with its models, tuples and changes.
    /// - Throws: ``StoreError`` `.storeNotFound`.
    func deleteStore(id: String) throws(StoreError)

    /// Stores a model (OpenFGA JSON text) under a new ULID and returns it. Models are immutable.
    func writeModel(json: String, store: String) throws(StoreError) -> StoredModel
    /// The model with `id`.
    /// - Throws: ``StoreError`` `.modelNotFound`.
    func model(id: String, store: String) throws(StoreError) -> StoredModel
    /// The store's models, newest first.
    func listModels(store: String) throws(StoreError) -> [StoredModel]
    /// The id of the store's newest model, reading no model's JSON.
    /// - Throws: ``StoreError`` `.modelNotFound` when the store has none.
    func latestModelID(store: String) throws(StoreError) -> String
}

/// The tuples of every store: consistent snapshots to read, atomic batches to write, and the data version caches
/// key on.
public protocol TupleData: Sendable {
    /// The read view this store hands to ``read(store:_:)``.
    associatedtype Snapshot: TupleSnapshot

    /// Runs `body` on one consistent snapshot of `store`. The snapshot must not escape `body`.
    /// - Throws: ``StoreError``, or what `body` throws.
    func read<Result>(store: String, _ body: (Snapshot) throws -> Result) throws -> Result

    /// The data version a snapshot opened now would see (see ``TupleSnapshot/version``); cheap, no transaction. A
    /// shared backend (PostgreSQL) may answer from a poll at most its cache invalidation interval old.
    var currentVersion: UInt64 { get }
    /// The data version as of now, asking the backend even when ``currentVersion`` would answer from a recent poll:
    /// what a check asked with `HIGHER_CONSISTENCY` starts from.
    var latestVersion: UInt64 { get }
    /// Applies the batch atomically and says what it changed.
    /// - Throws: ``StoreError``: `.tupleExists`, `.tupleNotFound`, `.duplicateInBatch`, `.invalidTuple`,
    ///   `.storeNotFound`; nothing is changed when it throws.
    func apply(_ batch: WriteBatch, store: String) throws(StoreError) -> WriteOutcome
}

/// Named documents kept beside the tuples in the same database (Warden keeps the tenant directory, the token
/// signing keys and stored assertions here), so one backup holds everything.
public protocol DocumentStore: Sendable {
    /// Stores `bytes` under `name`, replacing what was there.
    func putDocument(_ bytes: [UInt8], named name: String) throws(StoreError)
    /// The document stored under `name`, or nil.
    func document(named name: String) throws(StoreError) -> [UInt8]?
    /// Replaces the document `name` with what `transform` makes of the current one (nil when absent), in one write
    /// transaction: two processes updating it at once never lose each other's change (the key ring is created and
    /// rotated this way). `transform` may run more than once; returns what was stored.
    func updateDocument(
        named name: String, _ transform: ([UInt8]?) throws(StoreError) -> [UInt8]
    ) throws(StoreError) -> [UInt8]
}

extension TupleData {
    /// A store whose ``currentVersion`` is always exact.
    public var latestVersion: UInt64 { currentVersion }

    /// Applies the batch atomically and returns the store's revision after it (see ``apply(_:store:)``).
    @discardableResult
    public func write(_ batch: WriteBatch, store: String) throws(StoreError) -> Revision {
        try apply(batch, store: store).revision
    }
}

extension StoreCatalog {
    /// The newest model of `store`.
    /// - Throws: ``StoreError`` `.modelNotFound` when the store has none.
    public func latestModel(store: String) throws(StoreError) -> StoredModel {
        guard let newest = try listModels(store: store).first else {
            throw StoreError(.modelNotFound, "store '\(store)' has no authorization model")
        }
        return newest
    }
}

/// A read-only view of one store at one revision. Not `Sendable`: it lives inside one ``TupleStore/read(store:_:)``.
public protocol TupleSnapshot {
    /// The revision this snapshot sees.
    var revision: Revision { get }
    /// An id of the whole data set this snapshot sees, which changes whenever any write commits to any store
    /// (LMDB's transaction id). Caches key on it: equal versions mean identical data.
    var version: UInt64 { get }

    /// The tuple with exactly this key, or nil. Example: `document:1#viewer@user:anne`.
    func tuple(_ key: TupleKey) throws(StoreError) -> RelationshipTuple?

    /// Whether the tuple with exactly this key exists, and its condition: what a check needs of a point read,
    /// without building the tuple from the key the caller already holds.
    func pointRead(_ key: TupleKey) throws(StoreError) -> PointRead

    /// Tuples on (`object`, `relation`) through the forward index, in key order.
    /// - Parameters:
    ///   - userType: only users of this type (nil: any).
    ///   - userRelation: only usersets with this relation; `""` means plain users and wildcards (nil: any).
    /// Example: `document:1`, `viewer`, `group`, `member` gives the `group:…#member` usersets that view it.
    func tuples(object: ObjectRef, relation: String, userType: String?, userRelation: String?) throws(StoreError)
        -> [RelationshipTuple]

    /// Tuples whose user is exactly `user` on objects of `objectType` through `relation`, via the reverse index.
    /// Example: `user:anne`, `document`, `viewer` gives every `document:…#viewer@user:anne`.
    func tuples(user: UserRef, objectType: String, relation: String) throws(StoreError) -> [RelationshipTuple]

    /// The tuples of ``tuples(object:relation:userType:userRelation:)`` one at a time, in key order, until `body`
    /// returns false: a caller that needs only the first decodes (and, on PostgreSQL, fetches) no more.
    func visitTuples(
        object: ObjectRef, relation: String, userType: String?, userRelation: String?,
        _ body: (RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError)

    /// The tuples of ``tuples(user:objectType:relation:)`` one at a time, in key order, until `body` returns false.
    func visitTuples(
        user: UserRef, objectType: String, relation: String, _ body: (RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError)

    /// Whether `user` holds any tuple of `relation` on objects of `objectType`: reads at most one.
    func hasTuple(user: UserRef, objectType: String, relation: String) throws(StoreError) -> Bool

    /// Tuples matching `filter`, at most `limit`, after `token` (OpenFGA's Read).
    /// - Throws: ``StoreError`` `.invalidContinuationToken` for a token from another query.
    func read(_ filter: ReadFilter, after token: ContinuationToken?, limit: Int) throws(StoreError) -> TuplePage

    /// Changes after `token` (from the first when nil), oldest first, only those on `objectType` when given.
    func changes(objectType: String?, after token: ContinuationToken?, limit: Int) throws(StoreError) -> ChangePage

    /// The token after the newest change this snapshot sees: ``changes(objectType:after:limit:)`` from it gives
    /// only what commits later (where a watch that starts now begins).
    func endOfChanges() throws(StoreError) -> ContinuationToken?

    /// Whether ``nestedHops(type:relation:from:to:)`` and ``nestingHeight(type:relation:of:)`` answer from the
    /// store's nested-group index (see the README's "Nested-group index"): false when the store keeps none, or when
    /// the snapshot holds tuples the index has not seen (contextual tuples).
    func hasNestedGroupIndex() throws(StoreError) -> Bool

    /// The fewest nesting hops from `ancestor` down to `descendant` through unconditioned tuples
    /// `type:x#relation@type:y#relation` (1 for `group:a#member@group:b#member` from a to b; 255 for 255 or more),
    /// or nil when it does not reach it. Only meaningful when ``hasNestedGroupIndex()``.
    func nestedHops(type: String, relation: String, from ancestor: String, to descendant: String) throws(StoreError) -> Int?

    /// The most such hops from `group` to any group nested in it (0 when none is).
    func nestingHeight(type: String, relation: String, of group: String) throws(StoreError) -> Int

    /// The groups `group` reaches through the unconditioned nesting of `type#relation`, each once, from the index:
    /// ``NestingDirection/down``, those nested in it (their members are its members); ``NestingDirection/up``,
    /// those it is nested in. Never `group` itself. Nil when the index cannot answer for the relation: no index,
    /// contextual tuples, or expiring nesting (which the index leaves out).
    func nestedGroups(_ direction: NestingDirection, type: String, relation: String, of group: String) throws(StoreError) -> [String]?

    /// The earliest instant (milliseconds since 1970) after which a tuple this snapshot shows expires (`UInt64.max`
    /// for none): a cached answer computed from it holds until then.
    func expiryHorizon() throws(StoreError) -> UInt64

    /// The instant (milliseconds since 1970) this snapshot decides expiry by.
    var expiryNow: UInt64 { get }

    /// What a check of `user` on `type:object#relation` needs from the index in one call: whether the user holds
    /// any tuple of `relation` on objects of `type` (conditioned or not), and the fewest hops from `object` down to
    /// a group where the user holds an unconditioned one. Only meaningful when ``hasNestedGroupIndex()``.
    func nearestNestedGroup(user: ObjectRef, type: String, relation: String, from object: String) throws(StoreError) -> NestedGroupReach
}

/// What ``TupleSnapshot/pointRead(_:)`` found.
public enum PointRead: Equatable, Sendable {
    /// No tuple has the key (or it has expired).
    case absent
    /// The tuple exists, with its condition (nil: none).
    case present(condition: TupleCondition?)
}

/// Which way ``TupleSnapshot/nestedGroups(_:type:relation:of:)`` follows the nesting.
public enum NestingDirection: Sendable {
    /// To the groups nested in a group (`group:b` for `group:a#member@group:b#member`, from a).
    case down
    /// To the groups a group is nested in (`group:a`, from b).
    case up
}

/// What ``TupleSnapshot/nearestNestedGroup(user:type:relation:from:)`` found.
public struct NestedGroupReach: Equatable, Sendable {
    /// The user holds some tuple of the relation on an object of the type.
    public var holdsAny: Bool
    /// The fewest hops from the object down to a group the user is an unconditioned member of; nil for none.
    public var hops: Int?
    /// False when expiring tuples are involved (the index leaves them out): then the walk must decide.
    public var exact: Bool

    public init(holdsAny: Bool, hops: Int?, exact: Bool = true) {
        self.holdsAny = holdsAny
        self.hops = hops
        self.exact = exact
    }
}

extension TupleSnapshot {
    /// From ``tuple(_:)``.
    public func pointRead(_ key: TupleKey) throws(StoreError) -> PointRead {
        guard let tuple = try tuple(key) else { return .absent }
        return .present(condition: tuple.condition)
    }

    /// A snapshot without the index.
    public func hasNestedGroupIndex() throws(StoreError) -> Bool { false }

    public func nestedHops(type: String, relation: String, from ancestor: String, to descendant: String) throws(StoreError) -> Int? {
        nil
    }

    public func nestingHeight(type: String, relation: String, of group: String) throws(StoreError) -> Int { 0 }

    public func nestedGroups(_ direction: NestingDirection, type: String, relation: String, of group: String) throws(StoreError) -> [String]? {
        nil
    }

    /// A snapshot whose tuples never expire.
    public func expiryHorizon() throws(StoreError) -> UInt64 { .max }

    /// The system clock.
    public var expiryNow: UInt64 { ExpiryClock.systemMilliseconds }

    /// From ``tuples(user:objectType:relation:)`` and ``nestedHops(type:relation:from:to:)``.
    public func nearestNestedGroup(
        user: ObjectRef, type: String, relation: String, from object: String
    ) throws(StoreError) -> NestedGroupReach {
        var reach = NestedGroupReach(holdsAny: false, hops: nil)
        for tuple in try tuples(user: .object(user), objectType: type, relation: relation) {
            reach.holdsAny = true
            if tuple.expiresAtMilliseconds != nil { reach.exact = false }
            guard tuple.condition == nil, let hops = try nestedHops(type: type, relation: relation, from: object, to: tuple.key.object.id)
            else { continue }
            reach.hops = min(reach.hops ?? .max, hops)
        }
        return reach
    }
}

extension TupleSnapshot {
    /// For a snapshot that only lists: the list, visited until `body` stops.
    public func visitTuples(
        object: ObjectRef, relation: String, userType: String?, userRelation: String?,
        _ body: (RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError) {
        for tuple in try tuples(object: object, relation: relation, userType: userType, userRelation: userRelation) {
            guard try body(tuple) else { return }
        }
    }

    /// For a snapshot that only lists: the list, visited until `body` stops.
    public func visitTuples(
        user: UserRef, objectType: String, relation: String, _ body: (RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError) {
        for tuple in try tuples(user: user, objectType: objectType, relation: relation) {
            guard try body(tuple) else { return }
        }
    }

    /// For a snapshot that only lists: the first tuple the visit finds.
    public func hasTuple(user: UserRef, objectType: String, relation: String) throws(StoreError) -> Bool {
        var found = false
        try visitTuples(user: user, objectType: objectType, relation: relation) { _ in
            found = true
            return false
        }
        return found
    }
}

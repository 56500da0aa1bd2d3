import Foundation

/// The backend seam: a ``TupleStore`` made of ordered key-value tables. A backend says how to read them at one
/// consistent version and how to change them in one atomic transaction; everything a tuple store does over them —
/// stores, models, documents, batches with OpenFGA's write semantics, interned names, snapshots — is written once,
/// here and in `TupleTables`, so LMDB, memory and PostgreSQL answer byte for byte alike.
public protocol KeyValueTupleStore: TupleStore where Snapshot == KeyValueSnapshot<Reader> {
    /// A consistent read view of the tables.
    associatedtype Reader: OrderedKeyValueReader
    /// A view that also changes them, inside one transaction.
    associatedtype Writer: KeyValueWriter

    /// The backend's snapshot cache and interned names (one per store instance).
    var snapshotFactory: SnapshotFactory { get }
    /// Makes model and store ids.
    var idGenerator: ULIDGenerator { get }
    /// Runs `body` on one consistent view of every table.
    func readTables<Result>(_ body: (Reader) throws -> Result) throws -> Result
    /// Runs `body` in one transaction: all of its changes become visible together when it returns, none when it throws.
    func writeTables<Result>(_ body: (Writer) throws(StoreError) -> Result) throws(StoreError) -> Result
    /// Makes room, before a transaction, for about `bytes` more, where running out midway would run the whole
    /// transaction again (LMDB's map); by default nothing.
    func reserve(bytes: Int) throws(StoreError)
}

extension KeyValueTupleStore {
    /// Nothing to make room in: a backend whose transactions cannot run out of room midway (memory, PostgreSQL).
    public func reserve(bytes: Int) throws(StoreError) {}
}

extension KeyValueTupleStore {
    /// ``readTables(_:)`` with every error as a ``StoreError``.
    func readTyped<Result>(_ body: (Reader) throws(StoreError) -> Result) throws(StoreError) -> Result {
        do {
            return try readTables { reader in try body(reader) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.storage, "read failed: \(error)")
        }
    }

    public func createStore(name: String) throws(StoreError) -> StoreInfo {
        let id = idGenerator.next()
        return try writeTables { writer throws(StoreError) in try TupleTables.createStore(id: id, name: name, now: Date(), in: writer) }
    }

    public func store(id: String) throws(StoreError) -> StoreInfo {
        try readTyped { reader throws(StoreError) in try TupleTables.storeRecord(id: id, in: reader).info }
    }

    public func listStores() throws(StoreError) -> [StoreInfo] {
        try readTyped { reader throws(StoreError) in try TupleTables.listStores(in: reader) }
    }

    public func deleteStore(id: String) throws(StoreError) {
        try writeTables { writer throws(StoreError) in try TupleTables.deleteStore(id: id, in: writer) }
    }

    public func writeModel(json: String, store: String) throws(StoreError) -> StoredModel {
        let id = idGenerator.next()
        try writeTables { writer throws(StoreError) in
            try TupleTables.writeModel(id: id, json: json, store: TupleTables.storeRecord(id: store, in: writer).number, in: writer)
        }
        return StoredModel(id: id, json: json)
    }

    public func model(id: String, store: String) throws(StoreError) -> StoredModel {
        try readTyped { reader throws(StoreError) in
            try TupleTables.model(id: id, store: TupleTables.storeRecord(id: store, in: reader).number, in: reader)
        }
    }

    public func latestModelID(store: String) throws(StoreError) -> String {
        let id = try readTyped { reader throws(StoreError) in
            try TupleTables.latestModelID(store: TupleTables.storeRecord(id: store, in: reader).number, in: reader)
        }
        guard let id else { throw StoreError(.modelNotFound, "store '\(store)' has no authorization model") }
        return id
    }

    public func listModels(store: String) throws(StoreError) -> [StoredModel] {
        try readTyped { reader throws(StoreError) in
            try TupleTables.listModels(store: TupleTables.storeRecord(id: store, in: reader).number, in: reader)
        }
    }

    public func read<Result>(store: String, _ body: (Snapshot) throws -> Result) throws -> Result {
        try readTables { reader in try body(try snapshotFactory.snapshot(store: store, in: reader)) }
    }

    public func putDocument(_ bytes: [UInt8], named name: String) throws(StoreError) {
        try writeTables { writer throws(StoreError) in try writer.put(Array(name.utf8), bytes, in: .documents) }
    }

    public func updateDocument(
        named name: String, _ transform: ([UInt8]?) throws(StoreError) -> [UInt8]
    ) throws(StoreError) -> [UInt8] {
        try writeTables { writer throws(StoreError) in try TupleTables.updateDocument(named: name, in: writer, transform) }
    }

    public func document(named name: String) throws(StoreError) -> [UInt8]? {
        try readTyped { reader throws(StoreError) in try reader.get(Array(name.utf8), in: .documents) }
    }

    public func apply(_ batch: WriteBatch, store: String) throws(StoreError) -> WriteOutcome {
        try writeTables { writer throws(StoreError) in
            try TupleTables.apply(
                batch, store: TupleTables.storeRecord(id: store, in: writer).number, now: snapshotFactory.clock.now, in: writer,
                dictionary: snapshotFactory.dictionary)
        }
    }

    /// Encodes, sorts and checks `batch` for `store` outside any write transaction (see ``apply(_:store:)-(PreparedWrites,_)``):
    /// an import prepares the next batch on one core while this one commits on the other.
    public func prepare(_ batch: WriteBatch, store: String) throws(StoreError) -> PreparedWrites {
        let (number, names) = try readTyped { reader throws(StoreError) in
            let number = try TupleTables.storeRecord(id: store, in: reader).number
            return (number, try snapshotFactory.dictionary.names(store: number, in: reader))
        }
        return try TupleTables.prepare(batch, store: number, names: names)
    }

    /// Applies a batch prepared for `store`; refuses it if the store was deleted (or replaced) since.
    public func apply(_ prepared: PreparedWrites, store: String) throws(StoreError) -> WriteOutcome {
        // An import's batch of many tuples: room made first, so a full map does not make it run twice.
        if prepared.writeCount >= PreparedWrites.largeBatch { try reserve(bytes: prepared.estimatedBytes) }
        return try writeTables { writer throws(StoreError) in
            let number = try TupleTables.storeRecord(id: store, in: writer).number
            guard number == prepared.store else { throw StoreError(.storeNotFound, "store '\(store)' not found") }
            return try TupleTables.apply(prepared, now: snapshotFactory.clock.now, in: writer, dictionary: snapshotFactory.dictionary)
        }
    }


    /// Deletes `store`'s tuples that expired by the store's clock (``SnapshotFactory/clock``), at most `limit` in one
    /// write transaction, each delete logged in the changelog. Returns what it did.
    @discardableResult
    public func sweepExpired(store: String, limit: Int = 10_000) throws(StoreError) -> WriteOutcome {
        let now = snapshotFactory.clock.now
        return try writeTables { writer throws(StoreError) in
            try TupleTables.sweepExpired(
                store: TupleTables.storeRecord(id: store, in: writer).number, now: now, limit: limit, in: writer,
                dictionary: snapshotFactory.dictionary)
        }
    }

    /// Turns `store`'s nested-group index on — built from its tuples in one write transaction — or off (dropped;
    /// checks then walk the nesting). New stores keep it.
    public func setNestedGroupIndex(on: Bool, store: String) throws(StoreError) {
        try writeTables { writer throws(StoreError) in
            try NestedGroupIndex.set(on: on, store: TupleTables.storeRecord(id: store, in: writer).number, in: writer)
        }
    }

    /// Whether `store` keeps the nested-group index; nil for a store made before the index existed (off until
    /// ``setNestedGroupIndex(on:store:)`` builds it).
    public func nestedGroupIndex(store: String) throws(StoreError) -> Bool? {
        try readTyped { reader throws(StoreError) in
            let number = try TupleTables.storeRecord(id: store, in: reader).number
            guard try NestedGroupIndex.isDecided(store: number, in: reader) else { return nil }
            return try NestedGroupIndex.isOn(store: number, in: reader)
        }
    }

    /// Checks every table in one snapshot (see ``ConsistencyCheck``).
    public func checkConsistency() throws(StoreError) -> ConsistencyReport {
        try readTyped { reader throws(StoreError) in ConsistencyCheck.run(in: reader) }
    }

    /// Refuses tables in another store format than this binary's (naming `place` and `warden migrate` for an older
    /// one), and records the format in tables that hold nothing yet unless `readOnly`.
    public func requireStoreFormat(place: String, readOnly: Bool = false) throws(StoreError) {
        let format = try readTyped { reader throws(StoreError) in try StoreFormat.stored(in: reader) }
        try StoreFormat.require(format, path: place)
        if format == nil, !readOnly {
            try writeTables { writer throws(StoreError) in try StoreFormat.record(in: writer) }
        }
    }
}

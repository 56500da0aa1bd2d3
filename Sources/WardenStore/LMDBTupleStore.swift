import Foundation

/// The product tuple store: one LMDB environment in a data directory, holding every store's models, tuples and
/// changelog. Reads run on LMDB read transactions (snapshots, `MDB_NOTLS`); each batch is one write transaction,
/// durable when `write` returns.
///
/// `Sendable`; open one instance per data directory per process and share it.
public final class LMDBTupleStore: TupleStore, @unchecked Sendable {
    public typealias Snapshot = KeyValueSnapshot<LMDBTableReader>

    let environment: LMDBEnvironment
    /// The data directory.
    public let path: String
    private let databases: [LMDBDatabase]
    private let ids = ULIDGenerator()
    /// Store id → (number, the data version at which the store record was last seen). A read whose snapshot has
    /// that version skips the record lookup; any commit anywhere makes the next read look again.
    private let snapshots = SnapshotFactory()

    /// Opens (creating when needed) the store in directory `path`.
    /// - Throws: ``StoreError`` `.corrupted` when the directory holds a damaged or foreign data file, `.storage`
    ///   when it cannot be created or opened, `.formatMismatch` when it holds another store format (an older one
    ///   is converted by ``migrate(path:)``).
    public convenience init(path: String, configuration: LMDBEnvironment.Configuration = .init()) throws(StoreError) {
        try self.init(opening: path, configuration: configuration)
        let format = try typed { try readTables { reader in try StoreFormat.stored(in: reader) } }
        try StoreFormat.require(format, path: path)
        if format == nil, !configuration.readOnly {
            try writeTables { writer throws(StoreError) in try StoreFormat.record(in: writer) }
        }
    }

    /// Rewrites the data directory at `path` into this binary's store format, in one write transaction: a crash
    /// leaves it as it was. Already in the format: nothing is written.
    /// - Throws: ``StoreError`` `.formatMismatch` for a format newer than this binary's.
    public static func migrate(path: String) throws(StoreError) -> MigrationReport {
        let store = try LMDBTupleStore(opening: path, configuration: .init())
        return try store.writeTables { writer throws(StoreError) in
            let format = try StoreFormat.stored(in: writer)
            switch format {
            case nil:
                try StoreFormat.record(in: writer)
                return MigrationReport(from: nil)
            case KeyLayout.format?:
                return MigrationReport(from: format)
            case 1?:
                return try StoreFormat.migrateFromVersion1(in: writer)
            default:
                try StoreFormat.require(format, path: path)
                return MigrationReport(from: format)
            }
        }
    }

    /// Opens the environment without looking at the store format.
    private init(opening path: String, configuration: LMDBEnvironment.Configuration) throws(StoreError) {
        self.path = path
        do {
            if !configuration.readOnly { try DataDirectory.create(path) }
        } catch {
            throw StoreError(.storage, "cannot create data directory '\(path)': \(error.localizedDescription)")
        }
        do {
            environment = try LMDBEnvironment(path: path, configuration: configuration)
            var databases: [LMDBDatabase] = []
            for table in Table.allCases { databases.append(try environment.database(named: table.databaseName)) }
            self.databases = databases
        } catch let error as LMDBError {
            throw StoreError(error)
        } catch {
            throw StoreError(.storage, "cannot open data directory '\(path)': \(error)")
        }
    }

    func readTables<Result>(_ body: (LMDBTableReader) throws -> Result) throws -> Result {
        do {
            return try environment.read { transaction in
                try body(LMDBTableReader(transaction: transaction, databases: databases))
            }
        } catch let error as LMDBError {
            throw StoreError(error)
        }
    }

    private func writeTables<Result>(_ body: (LMDBTableReader) throws(StoreError) -> Result) throws(StoreError) -> Result {
        do {
            return try environment.write { transaction in
                do throws(StoreError) {
                    return try body(LMDBTableReader(transaction: transaction, databases: databases))
                } catch {
                    // Surface a full map as LMDB's error so the environment grows the map and runs the batch again.
                    if let lmdb = error.lmdb, lmdb.code == .mapFull { throw lmdb }
                    throw error
                }
            }
        } catch let error as StoreError {
            throw error
        } catch let error as LMDBError {
            throw StoreError(error)
        } catch {
            throw StoreError(.storage, "write failed: \(error)")
        }
    }

    func typed<Result>(_ body: () throws -> Result) throws(StoreError) -> Result {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.storage, "read failed: \(error)")
        }
    }

    public func createStore(name: String) throws(StoreError) -> StoreInfo {
        let id = ids.next()
        return try writeTables { writer throws(StoreError) in
            try TupleTables.createStore(id: id, name: name, now: Date(), in: writer)
        }
    }

    public func store(id: String) throws(StoreError) -> StoreInfo {
        try typed { try readTables { reader in try TupleTables.storeRecord(id: id, in: reader).info } }
    }

    public func listStores() throws(StoreError) -> [StoreInfo] {
        try typed { try readTables { reader in try TupleTables.listStores(in: reader) } }
    }

    public func deleteStore(id: String) throws(StoreError) {
        try writeTables { writer throws(StoreError) in try TupleTables.deleteStore(id: id, in: writer) }
    }

    public func writeModel(json: String, store: String) throws(StoreError) -> StoredModel {
        let id = ids.next()
        try writeTables { writer throws(StoreError) in
            let number = try TupleTables.storeRecord(id: store, in: writer).number
            try TupleTables.writeModel(id: id, json: json, store: number, in: writer)
        }
        return StoredModel(id: id, json: json)
    }

    public func model(id: String, store: String) throws(StoreError) -> StoredModel {
        try typed {
            try readTables { reader in
                try TupleTables.model(id: id, store: TupleTables.storeRecord(id: store, in: reader).number, in: reader)
            }
        }
    }

    public func latestModelID(store: String) throws(StoreError) -> String {
        let id = try typed {
            try readTables { reader in
                try TupleTables.latestModelID(store: TupleTables.storeRecord(id: store, in: reader).number, in: reader)
            }
        }
        guard let id else { throw StoreError(.modelNotFound, "store '\(store)' has no authorization model") }
        return id
    }

    public func listModels(store: String) throws(StoreError) -> [StoredModel] {
        try typed {
            try readTables { reader in
                try TupleTables.listModels(store: TupleTables.storeRecord(id: store, in: reader).number, in: reader)
            }
        }
    }

    public func read<Result>(store: String, _ body: (Snapshot) throws -> Result) throws -> Result {
        try readTables { reader in try body(try snapshots.snapshot(store: store, in: reader)) }
    }

    public var currentVersion: UInt64 { environment.lastTransactionID }

    public func putDocument(_ bytes: [UInt8], named name: String) throws(StoreError) {
        try writeTables { writer throws(StoreError) in try writer.put(Array(name.utf8), bytes, in: .documents) }
    }

    public func updateDocument(
        named name: String, _ transform: ([UInt8]?) throws(StoreError) -> [UInt8]
    ) throws(StoreError) -> [UInt8] {
        try writeTables { writer throws(StoreError) in try TupleTables.updateDocument(named: name, in: writer, transform) }
    }

    public func document(named name: String) throws(StoreError) -> [UInt8]? {
        try typed { try readTables { reader in try reader.get(Array(name.utf8), in: .documents) } }
    }

    /// Encodes, sorts and checks `batch` for `store` outside any write transaction (see ``apply(_:store:)-(PreparedWrites,_)``):
    /// an import prepares the next batch on one core while this one commits on the other.
    public func prepare(_ batch: WriteBatch, store: String) throws(StoreError) -> PreparedWrites {
        let (number, names) = try typed {
            try readTables { reader in
                let number = try TupleTables.storeRecord(id: store, in: reader).number
                return (number, try snapshots.dictionary.names(store: number, in: reader))
            }
        }
        return try TupleTables.prepare(batch, store: number, names: names)
    }

    /// Applies a batch prepared for `store`; refuses it if the store was deleted (or replaced) since.
    public func apply(_ prepared: PreparedWrites, store: String) throws(StoreError) -> WriteOutcome {
        try writeTables { writer throws(StoreError) in
            let number = try TupleTables.storeRecord(id: store, in: writer).number
            guard number == prepared.store else { throw StoreError(.storeNotFound, "store '\(store)' not found") }
            return try TupleTables.apply(prepared, now: Date(), in: writer, dictionary: snapshots.dictionary)
        }
    }

    public func apply(_ batch: WriteBatch, store: String) throws(StoreError) -> WriteOutcome {
        try writeTables { writer throws(StoreError) in
            let number = try TupleTables.storeRecord(id: store, in: writer).number
            return try TupleTables.apply(batch, store: number, now: Date(), in: writer, dictionary: snapshots.dictionary)
        }
    }

    /// The current size of the memory map, in bytes (it grows as the data does).
    public var mapSize: Int { environment.mapSize }
}

/// ``OrderedKeyValueReader`` over one LMDB transaction; valid only inside the transaction's closure.
public struct LMDBTableReader: OrderedKeyValueReader, KeyValueWriter {
    let transaction: LMDBTransaction
    let databases: [LMDBDatabase]

    public var version: UInt64 { transaction.id }

    public func withValue<Result>(
        _ key: [UInt8], in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        try lookUp(key, in: table, body)
    }

    /// Looks the key up where it lies: no copy.
    public func withValue<Result>(
        bytes key: UnsafeRawBufferPointer, in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        try lookUp(key, in: table, body)
    }

    private func lookUp<Result>(
        _ key: some ContiguousBytes, in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        let outcome: Swift.Result<Result, StoreError>
        do {
            outcome = try transaction.withValue(key, in: databases[table.rawValue]) { buffer in
                do throws(StoreError) { return .success(try body(buffer)) } catch { return .failure(error) }
            }
        } catch {
            throw StoreError(error)
        }
        return try outcome.get()
    }

    public func scan(
        prefix: [UInt8], from start: [UInt8]?, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        do {
            try transaction.scan(prefix: prefix, from: start, in: databases[table.rawValue], body)
        } catch let error as LMDBError {
            throw StoreError(error)
        } catch {
            throw StoreError(.storage, "scan failed: \(error)")
        }
    }

    func put(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) {
        do { try transaction.put(key, value, in: databases[table.rawValue]) } catch { throw StoreError(error) }
    }

    func delete(_ key: [UInt8], in table: Table) throws(StoreError) -> Bool {
        do { return try transaction.delete(key, in: databases[table.rawValue]) } catch { throw StoreError(error) }
    }

    func insert(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) -> [UInt8]? {
        do { return try transaction.insert(key, value, in: databases[table.rawValue]) } catch { throw StoreError(error) }
    }
}

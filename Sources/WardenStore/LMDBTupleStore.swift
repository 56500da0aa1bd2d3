import Foundation
import CLMDB

/// The product tuple store: one LMDB environment in a data directory, holding every store's models, tuples and
/// changelog. Reads run on LMDB read transactions (snapshots, `MDB_NOTLS`); each batch is one write transaction,
/// durable when `write` returns.
///
/// `Sendable`; open one instance per data directory per process and share it.
public final class LMDBTupleStore: KeyValueTupleStore, @unchecked Sendable {
    public typealias Snapshot = KeyValueSnapshot<LMDBTableReader>

    let environment: LMDBEnvironment
    /// The data directory.
    public let path: String
    /// One per ``Table``; nil for a table a read-only environment lacks (an older directory), read as empty.
    private let databases: TableHandles
    public let idGenerator = ULIDGenerator()
    /// Store id → (number, the data version at which the store record was last seen). A read whose snapshot has
    /// that version skips the record lookup; any commit anywhere makes the next read look again.
    public let snapshotFactory = SnapshotFactory()

    /// Opens (creating when needed) the store in directory `path`.
    /// - Throws: ``StoreError`` `.corrupted` when the directory holds a damaged or foreign data file, `.storage`
    ///   when it cannot be created or opened, `.formatMismatch` when it holds another store format (an older one
    ///   is converted by ``migrate(path:)``).
    public convenience init(path: String, configuration: LMDBEnvironment.Configuration = .init()) throws(StoreError) {
        try self.init(opening: path, configuration: configuration)
        try requireStoreFormat(place: path, readOnly: configuration.readOnly)
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
            var databases: [LMDBDatabase?] = []
            for table in Table.allCases {
                do {
                    databases.append(try environment.database(named: table.databaseName))
                } catch let error as LMDBError where configuration.readOnly && error.rawCode == MDB_NOTFOUND && (table == .groups || table == .expiries) {
                    // Written before the nested-group index and expiring tuples existed: none there.
                    databases.append(nil)
                }
            }
            self.databases = TableHandles(databases)
        } catch let error as LMDBError {
            throw StoreError(error)
        } catch {
            throw StoreError(.storage, "cannot open data directory '\(path)': \(error)")
        }
    }

    public func readTables<Result>(_ body: (LMDBTableReader) throws -> Result) throws -> Result {
        do {
            return try environment.read { transaction in
                try body(LMDBTableReader(transaction: transaction, databases: databases))
            }
        } catch let error as LMDBError {
            throw StoreError(error)
        }
    }

    public func writeTables<Result>(_ body: (LMDBTableReader) throws(StoreError) -> Result) throws(StoreError) -> Result {
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

    public var currentVersion: UInt64 { environment.lastTransactionID }

    public func reserve(bytes: Int) throws(StoreError) {
        do { try environment.reserve(bytes: bytes) } catch { throw StoreError(error) }
    }

    /// The hot path of every check, written here rather than taken from ``KeyValueTupleStore``'s generic default: as
    /// the default, a direct check measured 60% slower (1.6 → 2.6 µs, `CheckBenchmarks` alternated with the
    /// previous commit).
    public func read<Result>(store: String, _ body: (Snapshot) throws -> Result) throws -> Result {
        // The factory and handles taken out first, the factory unmanaged (the store holds it for the whole call) and
        // used as a guaranteed reference: a closure capturing `self`, or the factory (even `unowned(unsafe)`),
        // counted a reference on it for every read, on every core.
        let factory = Unmanaged.passUnretained(snapshotFactory)
        let databases = databases
        do {
            return try environment.read { transaction in
                let reader = LMDBTableReader(transaction: transaction, databases: databases)
                let snapshot = try factory._withUnsafeGuaranteedRef { factory throws(StoreError) in try factory.snapshot(store: store, in: reader) }
                return try body(snapshot)
            }
        } catch let error as LMDBError {
            throw StoreError(error)
        }
    }

    /// The current size of the memory map, in bytes (it grows as the data does).
    public var mapSize: Int { environment.mapSize }
}

/// ``OrderedKeyValueReader`` over one LMDB transaction; valid only inside the transaction's closure.
public struct LMDBTableReader: OrderedKeyValueReader, KeyValueWriter {
    let transaction: LMDBTransaction
    let databases: TableHandles

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
        guard let database = databases[table] else { return try body(nil) }
        // The value read first, then passed on: no `Result` of the caller's type to carry the body's error out.
        let value: UnsafeRawBufferPointer?
        do {
            value = try transaction.value(key, in: database)
        } catch {
            throw StoreError(error)
        }
        return try body(value)
    }

    public func scan(
        prefix: [UInt8], from start: [UInt8]?, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        try prefix.withUnsafeBufferPointer { prefix throws(StoreError) in
            try (start ?? []).withUnsafeBufferPointer { start throws(StoreError) in
                let prefix = UnsafeRawBufferPointer(prefix)
                try scan(prefix: prefix, seek: start.isEmpty ? prefix : UnsafeRawBufferPointer(start), in: table, body)
            }
        }
    }

    /// Seeks to the prefix where it lies: no copy.
    public func scan(
        bytes prefix: UnsafeRawBufferPointer, in table: Table, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        try scan(prefix: prefix, seek: prefix, in: table, body)
    }

    private func scan(
        prefix: UnsafeRawBufferPointer, seek: UnsafeRawBufferPointer, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        guard let database = databases[table] else { return }
        do {
            try transaction.scan(prefix: prefix, seek: seek, in: database, body)
        } catch let error as LMDBError {
            throw StoreError(error)
        } catch {
            throw StoreError(.storage, "scan failed: \(error)")
        }
    }

    /// The table's database; a table a read-only environment lacks cannot be written (nothing writes there).
    private func writable(_ table: Table) throws(StoreError) -> LMDBDatabase {
        guard let database = databases[table] else {
            throw StoreError(.storage, "table '\(table.databaseName)' is missing from this read-only data directory")
        }
        return database
    }

    public func put(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) {
        let database = try writable(table)
        do { try transaction.put(key, value, in: database) } catch { throw StoreError(error) }
    }

    /// Each entry put where it lies in the packed buffer (no copy), appended while the keys ascend past the table's
    /// last (see ``LMDBTransaction/putAscending(count:overwrite:in:entry:)``).
    public func putAll(_ entries: PackedEntries, in table: Table) throws(StoreError) {
        let database = try writable(table)
        do {
            _ = try transaction.putAscending(count: entries.count, overwrite: true, in: database) { index, body in
                entries.withEntry(at: index, body)
            }
        } catch { throw StoreError(error) }
    }

    /// Each entry inserted where it lies in the packed buffer, appended while the keys ascend past the table's
    /// last (see ``LMDBTransaction/putAscending(count:overwrite:in:entry:)``); an existing key keeps its value.
    public func insertAll(_ entries: PackedEntries, in table: Table) throws(StoreError) -> [(position: Int, value: [UInt8])] {
        let database = try writable(table)
        do {
            return try transaction.putAscending(count: entries.count, overwrite: false, in: database) { index, body in
                entries.withEntry(at: index, body)
            }
        } catch { throw StoreError(error) }
    }

    public func delete(_ key: [UInt8], in table: Table) throws(StoreError) -> Bool {
        let database = try writable(table)
        do { return try transaction.delete(key, in: database) } catch { throw StoreError(error) }
    }

    public func insert(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) -> [UInt8]? {
        let database = try writable(table)
        do { return try transaction.insert(key, value, in: database) } catch { throw StoreError(error) }
    }
}

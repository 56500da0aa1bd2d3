import Foundation

/// A tuple store held in memory: the same logic as ``LMDBTupleStore`` over sorted arrays. A test aid and a
/// scratch store for `warden model test`, never the product: nothing survives the process.
///
/// Snapshots are copies of immutable state (copy-on-write), so readers never see a batch half applied.
public final class MemoryTupleStore: TupleStore, @unchecked Sendable {
    public typealias Snapshot = KeyValueSnapshot<MemoryTables>

    private let lock = NSLock()
    private let writerLock = NSLock()
    private var state = MemoryTables()  // guarded by `lock`
    private let ids = ULIDGenerator()

    public init() {}

    private func current() -> MemoryTables { lock.withLock { state } }

    private let snapshots = SnapshotFactory()

    private func mutate<Result>(_ body: (MemoryTables.Writer) throws(StoreError) -> Result) throws(StoreError) -> Result {
        writerLock.lock()
        defer { writerLock.unlock() }
        let writer = MemoryTables.Writer(tables: current())
        let result = try body(writer)
        writer.tables.version += 1
        lock.withLock { state = writer.tables }
        return result
    }

    public func createStore(name: String) throws(StoreError) -> StoreInfo {
        let id = ids.next()
        return try mutate { writer throws(StoreError) in try TupleTables.createStore(id: id, name: name, now: Date(), in: writer) }
    }

    public func store(id: String) throws(StoreError) -> StoreInfo {
        try TupleTables.storeRecord(id: id, in: current()).info
    }

    public func listStores() throws(StoreError) -> [StoreInfo] {
        try TupleTables.listStores(in: current())
    }

    public func deleteStore(id: String) throws(StoreError) {
        try mutate { writer throws(StoreError) in try TupleTables.deleteStore(id: id, in: writer) }
    }

    public func writeModel(json: String, store: String) throws(StoreError) -> StoredModel {
        let id = ids.next()
        try mutate { writer throws(StoreError) in
            try TupleTables.writeModel(id: id, json: json, store: TupleTables.storeRecord(id: store, in: writer).number, in: writer)
        }
        return StoredModel(id: id, json: json)
    }

    public func model(id: String, store: String) throws(StoreError) -> StoredModel {
        let tables = current()
        return try TupleTables.model(id: id, store: TupleTables.storeRecord(id: store, in: tables).number, in: tables)
    }

    public func latestModelID(store: String) throws(StoreError) -> String {
        let tables = current()
        guard let id = try TupleTables.latestModelID(store: TupleTables.storeRecord(id: store, in: tables).number, in: tables) else {
            throw StoreError(.modelNotFound, "store '\(store)' has no authorization model")
        }
        return id
    }

    public func listModels(store: String) throws(StoreError) -> [StoredModel] {
        let tables = current()
        return try TupleTables.listModels(store: TupleTables.storeRecord(id: store, in: tables).number, in: tables)
    }

    public func read<Result>(store: String, _ body: (Snapshot) throws -> Result) throws -> Result {
        try body(try snapshots.snapshot(store: store, in: current()))
    }

    public var currentVersion: UInt64 { current().version }

    public func putDocument(_ bytes: [UInt8], named name: String) throws(StoreError) {
        try mutate { writer throws(StoreError) in try writer.put(Array(name.utf8), bytes, in: .documents) }
    }

    public func updateDocument(
        named name: String, _ transform: ([UInt8]?) throws(StoreError) -> [UInt8]
    ) throws(StoreError) -> [UInt8] {
        try mutate { writer throws(StoreError) in try TupleTables.updateDocument(named: name, in: writer, transform) }
    }

    public func document(named name: String) throws(StoreError) -> [UInt8]? {
        try current().get(Array(name.utf8), in: .documents)
    }

    public func apply(_ batch: WriteBatch, store: String) throws(StoreError) -> WriteOutcome {
        try mutate { writer throws(StoreError) in
            try TupleTables.apply(
                batch, store: TupleTables.storeRecord(id: store, in: writer).number, now: Date(), in: writer,
                dictionary: snapshots.dictionary)
        }
    }
}

/// The tables of a ``MemoryTupleStore``: one sorted array of key/value pairs per table. A value type, so a
/// snapshot is a cheap copy.
public struct MemoryTables: OrderedKeyValueReader, Sendable {
    private var tables = [SortedTable](repeating: SortedTable(), count: Table.allCases.count)
    /// Counts published batches.
    public internal(set) var version: UInt64 = 0

    public func withValue<Result>(
        _ key: [UInt8], in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        let sorted = tables[table.rawValue]
        let index = sorted.lowerBound(key)
        guard index < sorted.keys.count, sorted.keys[index] == key else { return try body(nil) }
        let value = sorted.values[index]
        let outcome: Swift.Result<Result, StoreError> = value.withUnsafeBytes { buffer in
            do throws(StoreError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    public func scan(
        prefix: [UInt8], from start: [UInt8]?, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        let sorted = tables[table.rawValue]
        var index = sorted.lowerBound(start ?? prefix)
        while index < sorted.keys.count, sorted.keys[index].starts(with: prefix) {
            let proceed = sorted.keys[index].withUnsafeBytes { key in
                sorted.values[index].withUnsafeBytes { value in body(key, value) }
            }
            guard proceed else { return }
            index += 1
        }
    }

    /// Mutable access for one batch; the store publishes `tables` only when the batch succeeds.
    final class Writer: OrderedKeyValueReader, KeyValueWriter {
        var tables: MemoryTables

        init(tables: MemoryTables) {
            self.tables = tables
        }

        var version: UInt64 { tables.version }

        func withValue<Result>(
            _ key: [UInt8], in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
        ) throws(StoreError) -> Result {
            try tables.withValue(key, in: table, body)
        }

        func scan(
            prefix: [UInt8], from start: [UInt8]?, in table: Table,
            _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
        ) throws(StoreError) {
            try tables.scan(prefix: prefix, from: start, in: table, body)
        }

        func put(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) {
            tables.tables[table.rawValue].put(key, value)
        }

        func delete(_ key: [UInt8], in table: Table) throws(StoreError) -> Bool {
            tables.tables[table.rawValue].delete(key)
        }
    }
}

/// Keys in byte order with their values.
struct SortedTable: Sendable {
    var keys: [[UInt8]] = []
    var values: [[UInt8]] = []

    func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if Self.less(keys[middle], key) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        let index = lowerBound(key)
        if index < keys.count, keys[index] == key {
            values[index] = value
        } else {
            keys.insert(key, at: index)
            values.insert(value, at: index)
        }
    }

    mutating func delete(_ key: [UInt8]) -> Bool {
        let index = lowerBound(key)
        guard index < keys.count, keys[index] == key else { return false }
        keys.remove(at: index)
        values.remove(at: index)
        return true
    }

    static func less(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        let common = min(lhs.count, rhs.count)
        let order =
            common == 0
            ? 0
            : lhs.withUnsafeBufferPointer { left in
                rhs.withUnsafeBufferPointer { right in memcmp(left.baseAddress!, right.baseAddress!, common) }
            }
        return order != 0 ? order < 0 : lhs.count < rhs.count
    }
}

import Foundation

/// A tuple store held in memory: the same logic as ``LMDBTupleStore`` over sorted arrays. A test aid and a
/// scratch store for `warden model test`, never the product: nothing survives the process.
///
/// Snapshots are copies of immutable state (copy-on-write), so readers never see a batch half applied.
public final class MemoryTupleStore: KeyValueTupleStore, @unchecked Sendable {
    public typealias Snapshot = KeyValueSnapshot<MemoryTables>

    private let lock = NSLock()
    private let writerLock = NSLock()
    private var state = MemoryTables()  // guarded by `lock`
    public let idGenerator = ULIDGenerator()
    public let snapshotFactory = SnapshotFactory()

    public init() {}

    private func current() -> MemoryTables { lock.withLock { state } }

    public func readTables<Result>(_ body: (MemoryTables) throws -> Result) throws -> Result {
        try body(current())
    }

    public func writeTables<Result>(_ body: (MemoryTables.Writer) throws(StoreError) -> Result) throws(StoreError) -> Result {
        writerLock.lock()
        defer { writerLock.unlock() }
        let writer = MemoryTables.Writer(tables: current())
        let result = try body(writer)
        writer.tables.version += 1
        lock.withLock { state = writer.tables }
        return result
    }

    public var currentVersion: UInt64 { current().version }
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
        return try sorted.values[index].withValueBytes(body)
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
    public final class Writer: OrderedKeyValueReader, KeyValueWriter {
        var tables: MemoryTables

        init(tables: MemoryTables) {
            self.tables = tables
        }

        public var version: UInt64 { tables.version }

        public func withValue<Result>(
            _ key: [UInt8], in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
        ) throws(StoreError) -> Result {
            try tables.withValue(key, in: table, body)
        }

        public func scan(
            prefix: [UInt8], from start: [UInt8]?, in table: Table,
            _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
        ) throws(StoreError) {
            try tables.scan(prefix: prefix, from: start, in: table, body)
        }

        public func put(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) {
            tables.tables[table.rawValue].put(key, value)
        }

        /// Many entries merged in one pass (one insertion each would move the table's tail every time).
        public func putAll(_ entries: [KeyValueEntry], in table: Table) throws(StoreError) {
            tables.tables[table.rawValue].putAll(entries)
        }

        public func delete(_ key: [UInt8], in table: Table) throws(StoreError) -> Bool {
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

    /// ``put(_:_:)`` for many entries: a handful one by one, more sorted and merged with the table in one pass.
    mutating func putAll(_ entries: [KeyValueEntry]) {
        guard entries.count > 32 else {
            for entry in entries { put(entry.key, entry.value) }
            return
        }
        // Sorted, the last of equal keys kept (as one put after another would leave it).
        let sorted = entries.indices.sorted { left, right in
            Self.less(entries[left].key, entries[right].key) || (entries[left].key == entries[right].key && left < right)
        }
        var mergedKeys: [[UInt8]] = []
        var mergedValues: [[UInt8]] = []
        mergedKeys.reserveCapacity(keys.count + entries.count)
        mergedValues.reserveCapacity(keys.count + entries.count)
        var old = 0
        var position = 0
        while position < sorted.count {
            let entry = entries[sorted[position]]
            if position + 1 < sorted.count, entries[sorted[position + 1]].key == entry.key {
                position += 1
                continue
            }
            while old < keys.count, Self.less(keys[old], entry.key) {
                mergedKeys.append(keys[old])
                mergedValues.append(values[old])
                old += 1
            }
            if old < keys.count, keys[old] == entry.key { old += 1 }
            mergedKeys.append(entry.key)
            mergedValues.append(entry.value)
            position += 1
        }
        mergedKeys.append(contentsOf: keys[old...])
        mergedValues.append(contentsOf: values[old...])
        keys = mergedKeys
        values = mergedValues
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

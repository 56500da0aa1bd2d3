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

/// The tables of a ``MemoryTupleStore``: one ``SortedTable`` per table. A value type, so a snapshot is a cheap
/// copy.
public struct MemoryTables: OrderedKeyValueReader, Sendable {
    private var tables = [SortedTable](repeating: SortedTable(), count: Table.allCases.count)
    /// Counts published batches.
    public internal(set) var version: UInt64 = 0

    public func withValue<Result>(
        _ key: [UInt8], in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        try tables[table.rawValue].withValue(key, body)
    }

    public func scan(
        prefix: [UInt8], from start: [UInt8]?, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        tables[table.rawValue].scan(prefix: prefix, from: start, body)
    }

    /// Looks the key up where it lies: no copy.
    public func withValue<Result>(
        bytes key: UnsafeRawBufferPointer, in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        try tables[table.rawValue].withValue(bytes: key, body)
    }

    /// Seeks to the prefix where it lies: no copy.
    public func scan(
        bytes prefix: UnsafeRawBufferPointer, in table: Table, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        tables[table.rawValue].scan(bytes: prefix, seek: prefix, body)
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

        /// Packed entries kept packed where they can be, else merged in one pass (see `SortedTable.putAll`): one
        /// insertion each would move the table's tail every time.
        public func putAll(_ entries: PackedEntries, in table: Table) throws(StoreError) {
            tables.tables[table.rawValue].putAll(entries)
        }

        /// Each key looked up where it lies, then the absent ones stored in one merge (or taken as they lie, past
        /// the table's last key): one insertion each would move the table's tail every time.
        public func insertAll(_ entries: PackedEntries, in table: Table) throws(StoreError) -> [(position: Int, value: [UInt8])] {
            var existing: [(position: Int, value: [UInt8])] = []
            for position in 0..<entries.count {
                let found = try entries.withEntry(at: position) { key, _ throws(StoreError) in
                    try tables.tables[table.rawValue].withValue(bytes: key) { $0.map { Array($0) } }
                }
                if let found { existing.append((position, found)) }
            }
            if existing.isEmpty {
                tables.tables[table.rawValue].putAll(entries)
            } else {
                var present = Set(existing.map(\.position))
                tables.tables[table.rawValue].putAll(entries.filter { present.remove($0) == nil })
            }
            return existing
        }

        public func delete(_ key: [UInt8], in table: Table) throws(StoreError) -> Bool {
            tables.tables[table.rawValue].delete(key)
        }
    }
}

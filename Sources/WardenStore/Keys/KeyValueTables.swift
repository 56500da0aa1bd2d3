/// The ordered key-value tables a tuple store keeps, one LMDB named database each. Public only as part of the
/// backend seam (``OrderedKeyValueReader``); their layout is ``KeyLayout``'s business.
public enum Table: Int, CaseIterable, Sendable {
    /// store id → store record.
    case stores
    /// store number ‖ name → counters (revision, next store number).
    case meta
    /// store number ‖ model ULID → model JSON.
    case models
    /// store number ‖ object ‖ relation ‖ user → condition: Check and Read.
    case forward
    /// store number ‖ user ‖ object type ‖ relation ‖ object id → condition: ListObjects.
    case reverse
    /// store number ‖ revision ‖ sequence → change: ReadChanges.
    case changes
    /// name → bytes: documents kept beside the tuples (the tenant directory, signing keys).
    case documents
    /// store number ‖ tag ‖ nesting relation ‖ groups → hops: the nested-group index (``NestedGroupIndex``).
    case groups
    /// store number ‖ expiry ‖ forward key → nothing: expiring tuples in expiry order (``ExpiryQueue``).
    case expiries

    var databaseName: String {
        switch self {
        case .stores: "stores"
        case .meta: "meta"
        case .models: "models"
        case .forward: "tuples"
        case .reverse: "tuples-by-user"
        case .changes: "changes"
        case .documents: "documents"
        case .groups: "nested-groups"
        case .expiries: "expiring-tuples"
        }
    }
}

/// Read access to ordered tables: what the tuple-store logic needs from a backend (an LMDB transaction, or a
/// sorted in-memory map). Implementations are the backends' business; callers use ``TupleSnapshot``.
public protocol OrderedKeyValueReader {
    /// The data version this reader sees (see ``TupleSnapshot/version``).
    var version: UInt64 { get }
    /// Calls `body` with the value under `key` (nil when absent); the buffer is valid only inside `body`.
    func withValue<Result>(_ key: [UInt8], in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result)
        throws(StoreError) -> Result
    /// The same for a key in borrowed memory (a key built on the stack); by default copied into an array.
    func withValue<Result>(
        bytes key: UnsafeRawBufferPointer, in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result
    /// Calls `body` for each entry whose key starts with `prefix`, in key order, from the first key ≥ `start`
    /// (or the prefix), until `body` returns false. Buffers are valid only inside `body`.
    func scan(
        prefix: [UInt8], from start: [UInt8]?, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError)
    /// ``scan(prefix:from:in:_:)`` from the prefix itself, the prefix in borrowed memory (built on the stack); by
    /// default copied into an array.
    func scan(
        bytes prefix: UnsafeRawBufferPointer, in table: Table, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError)
}

/// Write access inside one atomic transaction: what a backend adds to ``OrderedKeyValueReader`` for writes.
/// Reads through it see the transaction's own changes.
public protocol KeyValueWriter: OrderedKeyValueReader {
    func put(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError)
    /// Stores `value` under `key` unless the key is there: nil when stored, else the existing value (unchanged).
    func insert(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) -> [UInt8]?
    /// Removes `key`; returns whether it was there.
    @discardableResult
    func delete(_ key: [UInt8], in table: Table) throws(StoreError) -> Bool
    /// ``insert(_:_:in:)`` for many entries with distinct keys, in order: the entries whose key was there, by
    /// position, with the value already there (the others stored). A backend across a network does it in one
    /// round trip.
    func insertAll(_ entries: PackedEntries, in table: Table) throws(StoreError) -> [(position: Int, value: [UInt8])]
    /// ``put(_:_:in:)`` for many entries with distinct keys, packed in one buffer.
    func putAll(_ entries: PackedEntries, in table: Table) throws(StoreError)
}

/// A key and its value: a packed entry unpacked (``PackedEntries/entries``), as a backend's bulk statements take them.
public struct KeyValueEntry: Sendable {
    public var key: [UInt8]
    public var value: [UInt8]

    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }
}

extension KeyValueWriter {
    /// By default one ``insert(_:_:in:)`` per entry.
    public func insertAll(_ entries: PackedEntries, in table: Table) throws(StoreError) -> [(position: Int, value: [UInt8])] {
        var existing: [(position: Int, value: [UInt8])] = []
        var position = 0
        try entries.forEach { key, value throws(StoreError) in
            if let found = try insert(Array(key), Array(value), in: table) { existing.append((position, found)) }
            position += 1
        }
        return existing
    }

    /// By default one ``put(_:_:in:)`` per entry.
    public func putAll(_ entries: PackedEntries, in table: Table) throws(StoreError) {
        try entries.forEach { key, value throws(StoreError) in try put(Array(key), Array(value), in: table) }
    }

    /// By default a read, then a write when the key is absent.
    public func insert(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) -> [UInt8]? {
        if let existing = try get(key, in: table) { return existing }
        try put(key, value, in: table)
        return nil
    }
}

extension OrderedKeyValueReader {
    /// ``withValue(_:in:_:)`` for a key in borrowed memory; backends that can look it up in place override it.
    public func withValue<Result>(
        bytes key: UnsafeRawBufferPointer, in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        try withValue(Array(key), in: table, body)
    }

    /// ``scan(prefix:from:in:_:)`` for a prefix in borrowed memory; backends that can seek to it in place override it.
    public func scan(
        bytes prefix: UnsafeRawBufferPointer, in table: Table, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        try scan(prefix: Array(prefix), from: nil, in: table, body)
    }

    /// ``scan(prefix:from:in:_:)`` with a body that may throw: the first error stops the scan and is rethrown.
    func visit(
        prefix: [UInt8], from start: [UInt8]? = nil, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(StoreError) -> Bool
    ) throws(StoreError) {
        var failure: StoreError?
        try scan(prefix: prefix, from: start, in: table) { key, value in
            do throws(StoreError) {
                return try body(key, value)
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
    }

    func get(_ key: [UInt8], in table: Table) throws(StoreError) -> [UInt8]? {
        try withValue(key, in: table) { $0.map { Array($0) } }
    }

    /// Every key (with value) under `prefix`, in order.
    func entries(prefix: [UInt8], in table: Table) throws(StoreError) -> [(key: [UInt8], value: [UInt8])] {
        var found: [(key: [UInt8], value: [UInt8])] = []
        try scan(prefix: prefix, from: nil, in: table) { key, value in
            found.append((Array(key), Array(value)))
            return true
        }
        return found
    }
}

extension Array where Element == UInt8 {
    /// Calls a value reader's `body` with these bytes (a backend that holds the value in an array, not in place).
    public func withValueBytes<Result>(_ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result) throws(StoreError) -> Result {
        let outcome: Swift.Result<Result, StoreError> = withUnsafeBytes { buffer in
            do throws(StoreError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }
}

import CLMDB
import Foundation
import WardenModel

/// One LMDB transaction, read-only or read-write, lent to a closure by ``LMDBEnvironment``.
///
/// Not Sendable in spirit: use it only inside the closure that received it. Values returned by ``get(_:in:)``
/// are copies and outlive the transaction.
public struct LMDBTransaction {
    let handle: OpaquePointer
    /// Whether this is a read-only snapshot.
    public let isReadOnly: Bool

    static func begin(in environment: LMDBEnvironment, readOnly: Bool) throws(LMDBError) -> LMDBTransaction {
        var transaction: OpaquePointer?
        try LMDBError.check(
            mdb_txn_begin(environment.handle, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &transaction), "mdb_txn_begin")
        guard let transaction else { throw LMDBError(rawCode: ENOMEM, operation: "mdb_txn_begin") }
        return LMDBTransaction(handle: transaction, isReadOnly: readOnly)
    }

    /// The transaction's id: for a read transaction, the id of the last write committed before it began.
    public var id: UInt64 { UInt64(mdb_txn_id(handle)) }

    func commit() throws(LMDBError) {
        try LMDBError.check(mdb_txn_commit(handle), "mdb_txn_commit")
    }

    func abort() {
        mdb_txn_abort(handle)
    }

    /// The value stored under `key`, or nil.
    public func get(_ key: some ContiguousBytes, in database: LMDBDatabase) throws(LMDBError) -> [UInt8]? {
        try withValue(key, in: database) { $0.map { Array($0) } }
    }

    /// Calls `body` with the bytes stored under `key` (nil when absent) without copying them; the buffer is
    /// valid only inside `body`.
    public func withValue<Result>(
        _ key: some ContiguousBytes, in database: LMDBDatabase, _ body: (UnsafeRawBufferPointer?) -> Result
    ) throws(LMDBError) -> Result {
        body(try value(key, in: database))
    }

    /// The bytes stored under `key`, or nil; they stay valid until this transaction ends (LMDB's map, not a copy).
    public func value(_ key: some ContiguousBytes, in database: LMDBDatabase) throws(LMDBError) -> UnsafeRawBufferPointer? {
        var value = MDB_val()
        let result = key.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_get(handle, database.handle, &keyValue, &value)
        }
        if result == MDB_NOTFOUND { return nil }
        try LMDBError.check(result, "mdb_get")
        return UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
    }

    /// Stores `value` under `key`.
    /// - Parameter overwrite: when false, an existing key is an error (`.keyExists`).
    public func put(
        _ key: some ContiguousBytes, _ value: some ContiguousBytes, in database: LMDBDatabase, overwrite: Bool = true
    ) throws(LMDBError) {
        let result = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var dataValue = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_put(handle, database.handle, &keyValue, &dataValue, overwrite ? 0 : UInt32(MDB_NOOVERWRITE))
            }
        }
        try LMDBError.check(result, "mdb_put")
    }

    /// Stores `value` under `key` unless the key exists (one B-tree descent): nil when stored, else the existing value.
    public func insert(_ key: some ContiguousBytes, _ value: some ContiguousBytes, in database: LMDBDatabase) throws(LMDBError) -> [UInt8]? {
        var existing: [UInt8]?
        let result = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var dataValue = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                let status = mdb_put(handle, database.handle, &keyValue, &dataValue, UInt32(MDB_NOOVERWRITE))
                // On MDB_KEYEXIST, LMDB points `dataValue` at the value already stored.
                if status == MDB_KEYEXIST {
                    existing = Array(UnsafeRawBufferPointer(start: dataValue.mv_data, count: dataValue.mv_size))
                }
                return status
            }
        }
        if result == MDB_KEYEXIST { return existing }
        try LMDBError.check(result, "mdb_put")
        return nil
    }

    /// Deletes `key`; returns whether it existed.
    @discardableResult
    public func delete(_ key: some ContiguousBytes, in database: LMDBDatabase) throws(LMDBError) -> Bool {
        let result = key.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_del(handle, database.handle, &keyValue, nil)
        }
        if result == MDB_NOTFOUND { return false }
        try LMDBError.check(result, "mdb_del")
        return true
    }

    /// Calls `body` with each key/value pair whose key starts with `prefix`, in key order, starting at the
    /// first key ≥ `start` (default: the prefix). Stops when `body` returns false. Buffers are valid only
    /// inside `body`.
    public func scan(
        prefix: [UInt8], from start: [UInt8]? = nil, in database: LMDBDatabase,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try prefix.withUnsafeBytes { prefix in
            try (start ?? []).withUnsafeBytes { start in
                try scan(prefix: prefix, seek: start.isEmpty ? prefix : start, in: database, body)
            }
        }
    }

    /// ``scan(prefix:from:in:_:)`` with the prefix and the first key to seek in borrowed memory.
    public func scan(
        prefix: UnsafeRawBufferPointer, seek: UnsafeRawBufferPointer, in database: LMDBDatabase,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(handle, database.handle, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val(mv_size: seek.count, mv_data: UnsafeMutableRawPointer(mutating: seek.baseAddress))
        var value = MDB_val()
        var result = mdb_cursor_get(cursor, &key, &value, seek.isEmpty ? MDB_FIRST : MDB_SET_RANGE)
        // Keys must come in strictly increasing order: a damaged page that breaks the order would otherwise end
        // the scan early (or repeat keys) and an export would silently miss tuples. Comparing with the previous
        // key is safe: LMDB keeps returned keys valid until the next update, and a scan makes none.
        var previous = UnsafeRawBufferPointer(start: nil, count: 0)
        var first = true
        while result == MDB_SUCCESS {
            let keyBytes = UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size)
            if first {
                guard ByteOrder.compare(seek, keyBytes) <= 0 else { throw Self.outOfOrder(database) }
                first = false
            } else if ByteOrder.compare(previous, keyBytes) >= 0 {
                throw Self.outOfOrder(database)
            }
            previous = keyBytes
            guard keyBytes.count >= prefix.count,
                ByteOrder.compare(prefix, UnsafeRawBufferPointer(rebasing: keyBytes[..<prefix.count])) == 0
            else { return }
            guard try body(keyBytes, UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)) else { return }
            result = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
        }
        if result != MDB_NOTFOUND { try LMDBError.check(result, "mdb_cursor_get") }
    }

    private static func outOfOrder(_ database: LMDBDatabase) -> LMDBError {
        LMDBError(
            rawCode: MDB_CORRUPTED, operation: "scan '\(database.name)'",
            detail: "keys out of order: the data file is damaged (run `warden doctor`, restore from a backup)")
    }

    /// The number of entries in `database`.
    public func count(of database: LMDBDatabase) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try LMDBError.check(mdb_stat(handle, database.handle, &stat), "mdb_stat")
        return stat.ms_entries
    }
}

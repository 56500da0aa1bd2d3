import CLMDB
import WardenModel

extension LMDBTransaction {
    /// Stores `count` entries, `entry(i)` lending the i-th key and value, through one cursor. While every key sorts
    /// after the table's last one and after the key before it (an import into new keys, sorted), each is appended
    /// (`MDB_APPEND`: no descent, and a full page is left full rather than split at its middle); from the first
    /// key that does not, each entry is put where it belongs.
    ///
    /// - Parameter overwrite: when false, an existing key keeps its value, which is returned with the entry's
    ///   position; when true, every entry is stored.
    /// - Returns: the entries not stored because their key was there, with the value there.
    public func putAscending(
        count: Int, overwrite: Bool, in database: LMDBDatabase,
        entry: (Int, (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Int32) -> Int32
    ) throws(LMDBError) -> [(position: Int, value: [UInt8])] {
        guard count > 0 else { return [] }
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(handle, database.handle, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var lastKey = MDB_val()
        var lastValue = MDB_val()
        let last = mdb_cursor_get(cursor, &lastKey, &lastValue, MDB_LAST)
        if last != MDB_NOTFOUND { try LMDBError.check(last, "mdb_cursor_get") }
        // Appending holds while the first key sorts after the stored last one; MDB_APPEND itself refuses
        // (MDB_KEYEXIST) a later key that does not sort after its predecessor.
        var appending = last == MDB_NOTFOUND
            || entry(0) { key, _ in
                ByteOrder.compare(UnsafeRawBufferPointer(start: lastKey.mv_data, count: lastKey.mv_size), key) < 0 ? 1 : 0
            } == 1
        var existing: [(position: Int, value: [UInt8])] = []
        let flags = overwrite ? UInt32(0) : UInt32(MDB_NOOVERWRITE)
        for index in 0..<count {
            var found: [UInt8]?
            let status = entry(index) { key, value in
                var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
                var dataValue = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
                if appending {
                    let status = mdb_cursor_put(cursor, &keyValue, &dataValue, UInt32(MDB_APPEND))
                    guard status == MDB_KEYEXIST else { return status }
                    appending = false
                    dataValue = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
                }
                let status = mdb_cursor_put(cursor, &keyValue, &dataValue, flags)
                // On MDB_KEYEXIST, LMDB points `dataValue` at the value already stored.
                if status == MDB_KEYEXIST {
                    found = Array(UnsafeRawBufferPointer(start: dataValue.mv_data, count: dataValue.mv_size))
                    return MDB_SUCCESS
                }
                return status
            }
            try LMDBError.check(status, "mdb_cursor_put")
            if let found { existing.append((index, found)) }
        }
        return existing
    }
}

import CLMDB

/// The LMDB database of each ``Table``, as plain numbers: a reader copies them with no reference count (an array
/// of databases shared by the store was retained by every check, on every core).
struct TableHandles: Sendable {
    private static let missing = MDB_dbi.max
    private var handles = InlineArray<16, MDB_dbi>(repeating: TableHandles.missing)

    /// `databases[t]` for each table `t` (nil: the table is missing from a read-only data directory).
    init(_ databases: [LMDBDatabase?]) {
        precondition(databases.count <= handles.count, "more tables than TableHandles holds")
        for (index, database) in databases.enumerated() {
            if let database { handles[index] = database.handle }
        }
    }

    /// The table's database, nil when the data directory lacks it.
    @inline(__always)
    subscript(table: Table) -> LMDBDatabase? {
        let handle = handles[table.rawValue]
        return handle == Self.missing ? nil : LMDBDatabase(handle: handle, name: table.databaseName)
    }
}

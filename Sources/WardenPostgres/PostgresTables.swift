import NIOCore
import PostgresNIO
import WardenStore

/// Warden's ordered tables (``Table``) as PostgreSQL tables of `(k bytea primary key, v bytea)`, read and
/// written inside one transaction on one connection. `bytea` orders by bytes, as LMDB does, so every key layout,
/// range scan and continuation token is the same on both backends.
///
/// A reader runs in a `REPEATABLE READ, READ ONLY` transaction (one snapshot for a whole check); a writer in a
/// transaction that first takes the row lock on `warden_version`, so writers follow one another as in LMDB.
public struct PostgresTables: OrderedKeyValueReader, KeyValueWriter {
    let pool: PostgresConnectionPool
    let connection: PostgresConnection
    /// The data version this transaction sees (a reader) or makes (a writer).
    public let version: UInt64

    /// Rows fetched per round trip while scanning; a scan usually stops within the first page.
    static let scanPage = 128

    /// Each table's name in the database.
    static func name(of table: Table) -> String {
        switch table {
        case .stores: "warden_stores"
        case .meta: "warden_meta"
        case .models: "warden_models"
        case .forward: "warden_tuples"
        case .reverse: "warden_tuples_by_user"
        case .changes: "warden_changes"
        case .documents: "warden_documents"
        case .groups: "warden_nested_groups"
        case .expiries: "warden_expiring_tuples"
        }
    }

    private func run(_ sql: String, _ values: [[UInt8]]) throws(StoreError) -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { binds.append(ByteBuffer(bytes: value)) }
        return try pool.run(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection)
    }

    public func withValue<Result>(
        _ key: [UInt8], in table: Table, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        let rows = try run("SELECT v FROM \(Self.name(of: table)) WHERE k = $1", [key]).rows
        guard let row = rows.first else { return try body(nil) }
        return try Self.columns(row)[0].withValueBytes(body)
    }

    public func scan(
        prefix: [UInt8], from start: [UInt8]?, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws(StoreError) {
        let name = Self.name(of: table)
        let end = Self.upperBound(of: prefix)
        var lower = start.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix
        var inclusive = true
        while true {
            let comparison = inclusive ? ">=" : ">"
            let bounded = end.map { _ in " AND k < $2" } ?? ""
            let rows = try run(
                "SELECT k, v FROM \(name) WHERE k \(comparison) $1\(bounded) ORDER BY k LIMIT \(Self.scanPage)", [lower] + (end.map { [$0] } ?? [])
            ).rows
            for row in rows {
                let columns = try Self.columns(row)
                let key = columns[0]
                guard key.starts(with: prefix) else { return }
                let value = columns[1]
                let proceed = key.withUnsafeBytes { keyBuffer in value.withUnsafeBytes { body(keyBuffer, $0) } }
                guard proceed else { return }
                lower = key
            }
            guard rows.count == Self.scanPage else { return }
            inclusive = false
        }
    }

    public func put(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) {
        let name = Self.name(of: table)
        _ = try run("INSERT INTO \(name) (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v", [key, value])
    }

    /// One round trip: the statement's snapshot predates its own insert, so the select sees a row only when one
    /// was already there (and the insert then did nothing).
    public func insert(_ key: [UInt8], _ value: [UInt8], in table: Table) throws(StoreError) -> [UInt8]? {
        let name = Self.name(of: table)
        let rows = try run(
            "WITH inserted AS (INSERT INTO \(name) (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING RETURNING k) "
                + "SELECT v FROM \(name) WHERE k = $1", [key, value]
        ).rows
        guard let row = rows.first else { return nil }
        return try Self.columns(row)[0]
    }

    /// Entries sent per statement by the batch operations.
    static let batchRows = 5_000

    /// Batches from this many entries on try `COPY` first (an import's batches; an API write holds at most 100).
    static let copyRows = 1_000

    /// A large batch is copied (`COPY`), which stores everything when no key is there yet, as in an import into new
    /// keys; when one is, the copy is rolled back to a savepoint and the batch goes the statement way. That way, one
    /// statement per ``batchRows`` entries: the rows already there come back (the statement's snapshot predates its
    /// own inserts), the others are stored.
    public func insertAll(_ packed: PackedEntries, in table: Table) throws(StoreError) -> [(position: Int, value: [UInt8])] {
        let name = Self.name(of: table)
        let entries = packed.entries
        if try copied(entries, into: name) { return [] }
        var existing: [[UInt8]: [UInt8]] = [:]
        for start in stride(from: 0, to: entries.count, by: Self.batchRows) {
            let chunk = entries[start..<min(start + Self.batchRows, entries.count)]
            let rows = try runArrays(
                "WITH input AS (SELECT * FROM unnest($1::bytea[], $2::bytea[]) AS i(k, v)), "
                    + "inserted AS (INSERT INTO \(name) (k, v) SELECT k, v FROM input ON CONFLICT (k) DO NOTHING RETURNING k) "
                    + "SELECT t.k, t.v FROM \(name) t JOIN input ON t.k = input.k", chunk)
            for row in rows {
                let columns = try Self.columns(row)
                existing[columns[0]] = columns[1]
            }
        }
        guard !existing.isEmpty else { return [] }
        return entries.indices.compactMap { position in existing[entries[position].key].map { (position, $0) } }
    }

    /// Copied when no key is there yet (see ``insertAll(_:in:)``), else one upsert per ``batchRows`` entries.
    public func putAll(_ packed: PackedEntries, in table: Table) throws(StoreError) {
        let entries = packed.entries
        let name = Self.name(of: table)
        if try copied(entries, into: name) { return }
        for start in stride(from: 0, to: entries.count, by: Self.batchRows) {
            _ = try runArrays(
                "INSERT INTO \(name) (k, v) SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                entries[start..<min(start + Self.batchRows, entries.count)])
        }
    }

    /// Whether `entries`, a batch of at least ``copyRows``, went in by `COPY`: true when none of their keys was there;
    /// false, with nothing changed (rolled back to a savepoint), when one was or the batch is small.
    private func copied(_ entries: [KeyValueEntry], into name: String) throws(StoreError) -> Bool {
        guard entries.count >= Self.copyRows else { return false }
        _ = try run("SAVEPOINT warden_copy", [])
        if try pool.copy(PostgresCopy.textRows(entries), into: name, on: connection) {
            _ = try run("RELEASE SAVEPOINT warden_copy", [])
            return true
        }
        _ = try run("ROLLBACK TO SAVEPOINT warden_copy", [])
        return false
    }

    /// Runs `sql` with the entries' keys as `$1` and values as `$2`, two `bytea[]` arrays.
    private func runArrays(_ sql: String, _ entries: ArraySlice<KeyValueEntry>) throws(StoreError) -> [PostgresRow] {
        var binds = PostgresBindings(capacity: 2)
        binds.append(entries.map { ByteBuffer(bytes: $0.key) })
        binds.append(entries.map { ByteBuffer(bytes: $0.value) })
        return try pool.run(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection).rows
    }

    public func delete(_ key: [UInt8], in table: Table) throws(StoreError) -> Bool {
        let result = try run("DELETE FROM \(Self.name(of: table)) WHERE k = $1", [key])
        return (result.metadata.rows ?? 0) > 0
    }

    /// The first key after every key that starts with `prefix`, or nil when there is none (all `0xFF`).
    static func upperBound(of prefix: [UInt8]) -> [UInt8]? {
        var bound = prefix
        while let last = bound.last {
            if last < 0xFF {
                bound[bound.count - 1] = last + 1
                return bound
            }
            bound.removeLast()
        }
        return nil
    }

    /// The row's columns as bytes.
    static func columns(_ row: PostgresRow) throws(StoreError) -> [[UInt8]] {
        var columns: [[UInt8]] = []
        for cell in row {
            guard let buffer = cell.bytes else { throw StoreError(.corrupted, "PostgreSQL returned NULL where Warden keeps bytes") }
            columns.append(Array(buffer.readableBytesView))
        }
        return columns
    }
}

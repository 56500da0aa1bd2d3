import PostgresNIO
import WardenStore

/// The database schema Warden keeps in PostgreSQL, and its migrations. `warden migrate --datastore URL` applies
/// them; a server refuses to start on a database whose schema version it does not know.
///
/// Only SQL that CockroachDB and YugabyteDB also speak: tables with `bytea` primary keys, `ON CONFLICT`, row locks
/// (`SELECT … FOR UPDATE`); no advisory locks, no `LISTEN` needed for correctness.
public enum PostgresSchema {
    /// The schema version this binary reads and writes.
    public static let version = 2

    /// Each migration's statements; migration `n` (1-based) takes the schema from version `n - 1` to `n`.
    static let migrations: [[String]] = [
        Table.allCases.filter { $0 != .groups && $0 != .expiries }.map(createTable) + [
            // One row: the data version, advanced by every write transaction, which locks the row first (so writers
            // follow one another, as LMDB's do) and caches key on it.
            "CREATE TABLE IF NOT EXISTS warden_version (id INT PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
            "INSERT INTO warden_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        ],
        // 2: the nested-group index and the expiry queue.
        [createTable(.groups), createTable(.expiries)],
    ]

    private static func createTable(_ table: Table) -> String {
        "CREATE TABLE IF NOT EXISTS \(PostgresTables.name(of: table)) (k BYTEA PRIMARY KEY, v BYTEA NOT NULL)"
    }

    /// What ``migrate(_:)`` did.
    public struct Migration: Sendable, Equatable {
        /// The schema version found (0: none).
        public var from: Int
        /// The schema version now.
        public var to: Int

        public init(from: Int, to: Int) {
            self.from = from
            self.to = to
        }
    }

    private static let createVersionTable =
        "CREATE TABLE IF NOT EXISTS warden_schema (id INT PRIMARY KEY CHECK (id = 1), version INT NOT NULL)"

    /// Brings the database's schema to ``version`` in one transaction.
    /// - Throws: ``StoreError`` `.formatMismatch` when the database's schema is newer than this binary's.
    static func migrate(_ pool: PostgresConnectionPool) throws(StoreError) -> Migration {
        try pool.withConnection { connection throws(StoreError) in
            try transaction(pool, connection) { () throws(StoreError) -> Migration in
                _ = try pool.run(PostgresQuery(unsafeSQL: createVersionTable), on: connection)
                let rows = try pool.run(PostgresQuery(unsafeSQL: "SELECT version FROM warden_schema WHERE id = 1 FOR UPDATE"), on: connection).rows
                let found = try rows.first.map { row throws(StoreError) in try decodeVersion(row) } ?? 0
                if found > version { throw newer(found, pool.datastore) }
                for step in found..<version {
                    for statement in migrations[step] { _ = try pool.run(PostgresQuery(unsafeSQL: statement), on: connection) }
                }
                _ = try pool.run(
                    PostgresQuery(
                        unsafeSQL: "INSERT INTO warden_schema (id, version) VALUES (1, \(version)) "
                            + "ON CONFLICT (id) DO UPDATE SET version = excluded.version"), on: connection)
                return Migration(from: found, to: version)
            }
        }
    }

    /// The database's schema version (0 when it has none).
    static func installed(_ pool: PostgresConnectionPool) throws(StoreError) -> Int {
        try pool.withConnection { connection throws(StoreError) in
            let exists = try pool.run(
                PostgresQuery(unsafeSQL: "SELECT 1 FROM information_schema.tables WHERE table_name = 'warden_schema' AND table_schema = current_schema()"),
                on: connection
            ).rows
            guard !exists.isEmpty else { return 0 }
            let rows = try pool.run(PostgresQuery(unsafeSQL: "SELECT version FROM warden_schema WHERE id = 1"), on: connection).rows
            return try rows.first.map { row throws(StoreError) in try decodeVersion(row) } ?? 0
        }
    }

    /// Refuses a database whose schema is not exactly this binary's.
    static func require(_ pool: PostgresConnectionPool) throws(StoreError) {
        let found = try installed(pool)
        if found == version { return }
        if found > version { throw newer(found, pool.datastore) }
        throw StoreError(
            .formatMismatch,
            found == 0
                ? "the PostgreSQL database \(pool.datastore) holds no Warden schema: run `warden migrate --datastore URL` first"
                : "the PostgreSQL database \(pool.datastore) has Warden schema version \(found); this warden needs \(version): "
                    + "run `warden migrate --datastore URL`")
    }

    private static func newer(_ found: Int, _ datastore: PostgresDatastore) -> StoreError {
        StoreError(
            .formatMismatch,
            "the PostgreSQL database \(datastore) has Warden schema version \(found), newer than this warden's \(version): use a newer warden")
    }

    private static func decodeVersion(_ row: PostgresRow) throws(StoreError) -> Int {
        do {
            return Int(try row.decode(Int32.self))
        } catch {
            throw StoreError(.corrupted, "the Warden schema version in PostgreSQL is not a number")
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT`, rolling back when it throws.
    static func transaction<Result>(
        _ pool: PostgresConnectionPool, _ connection: PostgresConnection, begin: String = "BEGIN",
        _ body: () throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        _ = try pool.run(PostgresQuery(unsafeSQL: begin), on: connection)
        let result: Result
        do {
            result = try body()
        } catch {
            _ = try? pool.run(PostgresQuery(unsafeSQL: "ROLLBACK"), on: connection)
            throw error
        }
        _ = try pool.run(PostgresQuery(unsafeSQL: "COMMIT"), on: connection)
        return result
    }
}

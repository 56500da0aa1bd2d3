import PostgresNIO
import Synchronization
import WardenStore

/// A tuple store in PostgreSQL: the same tables, keys and logic as ``LMDBTupleStore`` (see ``KeyValueTupleStore``),
/// so its answers are the same byte for byte, shared by any number of Warden processes on one database.
///
/// Reads run in `REPEATABLE READ, READ ONLY` transactions: a check sees one snapshot. Writes run in one transaction
/// each, durable when `write` returns (PostgreSQL's commit), and take the `warden_version` row lock first.
///
/// ```swift
/// let datastore = try PostgresDatastore(url: "postgres://warden@db.internal/warden")
/// try PostgresTupleStore.migrate(datastore)
/// let tuples = try PostgresTupleStore(datastore)
/// ```
public final class PostgresTupleStore: KeyValueTupleStore, @unchecked Sendable {
    public typealias Snapshot = KeyValueSnapshot<PostgresTables>

    /// Where the database is.
    public var datastore: PostgresDatastore { pool.datastore }
    public let idGenerator = ULIDGenerator()
    public let snapshotFactory = SnapshotFactory()
    let pool: PostgresConnectionPool
    /// How old a polled data version may be before ``currentVersion`` asks again: how long another server's write
    /// may go unseen by this process's cache (default 100 ms; zero asks on every check).
    public let cacheInvalidationInterval: Duration
    private let poll = VersionPoll()
    /// Whether the database has `LISTEN`/`NOTIFY` (PostgreSQL does; CockroachDB does not): then every write
    /// announces its version on the `warden_version` channel as it commits, and every listening instance hears it.
    public let notifies: Bool
    /// Hears other instances' versions, where the database notifies.
    private let listener: VersionListener?
    /// Whether a connection listens for other instances' versions now (never without notifications).
    public var isListening: Bool { listener?.isListening ?? false }
    /// How many times a dropped listening connection has been replaced.
    public var listenerReconnections: Int { listener?.reconnections ?? 0 }

    /// Connects to `datastore`, whose schema must be this binary's.
    /// - Throws: ``StoreError`` `.formatMismatch` for a database without Warden's schema or with another version of it
    ///   (``migrate(_:)`` installs and upgrades it), `.storage` when the server cannot be reached.
    ///
    /// Where the database has `LISTEN`/`NOTIFY`, one more connection listens for other instances' writes: a check
    /// then learns a new version as soon as its write commits, and the interval only bounds how stale an answer may
    /// be while notifications are missing (a dropped listening connection is replaced after `listenRetryDelay`;
    /// polling goes on meanwhile).
    public init(
        _ datastore: PostgresDatastore, cacheInvalidationInterval: Duration = .milliseconds(100), listen: Bool = true,
        listenRetryDelay: Duration = .seconds(1)
    ) throws(StoreError) {
        self.cacheInvalidationInterval = cacheInvalidationInterval
        let pool = try PostgresConnectionPool(datastore)
        self.pool = pool
        do {
            try PostgresSchema.require(pool)
            // Writes announce their version wherever the database can, whether or not this instance listens.
            notifies = (try? pool.withConnection { connection throws(StoreError) in
                _ = try pool.run(PostgresQuery(unsafeSQL: "SELECT pg_notify('warden_probe', '')"), on: connection)
            }) != nil
            listener = listen && notifies ? try VersionListener(pool: pool, poll: poll, retryDelay: listenRetryDelay) : nil
            try requireStoreFormat(place: datastore.description)
        } catch {
            pool.close()
            throw error
        }
    }

    deinit {
        listener?.stop()
        pool.close()
    }

    /// Installs or upgrades Warden's schema in `datastore`'s database, in one transaction.
    @discardableResult
    public static func migrate(_ datastore: PostgresDatastore) throws(StoreError) -> PostgresSchema.Migration {
        let pool = try PostgresConnectionPool(datastore)
        defer { pool.close() }
        return try PostgresSchema.migrate(pool)
    }

    /// Two statements are sent at once to open the snapshot (`BEGIN` and the version, one wait), and `COMMIT` is
    /// not waited for: the next borrower of the connection waits for it (see ``PostgresConnectionPool``).
    public func readTables<Result>(_ body: (PostgresTables) throws -> Result) throws -> Result {
        let pool = pool
        return try pool.withConnection(finishingWith: { connection throws(StoreError) in
            let begin = pool.send(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"), on: connection)
            let asked = pool.send(PostgresQuery(unsafeSQL: Self.selectVersion), on: connection)
            let outcome: Swift.Result<Result, any Error>
            do throws(StoreError) {
                _ = try pool.wait(begin)
                let version = try Self.decodeVersion(try pool.wait(asked))
                do {
                    outcome = .success(try body(PostgresTables(pool: pool, connection: connection, version: version)))
                } catch {
                    outcome = .failure(error)
                }
            } catch {
                _ = try? pool.run(PostgresQuery(unsafeSQL: "ROLLBACK"), on: connection)
                throw error
            }
            return (outcome, pool.send(PostgresQuery(unsafeSQL: "COMMIT"), on: connection))
        }).get()
    }

    /// After the commit, this process's polled version is the new one: a server sees its own writes at once.
    public func writeTables<Result>(_ body: (PostgresTables) throws(StoreError) -> Result) throws(StoreError) -> Result {
        let pool = pool
        let started = ContinuousClock.now
        let (result, version) = try pool.withConnection { connection throws(StoreError) in
            try PostgresSchema.transaction(pool, connection) { () throws(StoreError) -> (Result, UInt64) in
                let version = try Self.version(
                    pool, connection,
                    notifies
                        ? "WITH next AS (UPDATE warden_version SET version = version + 1 WHERE id = 1 RETURNING version) "
                            + "SELECT version, pg_notify('\(VersionListener.channel)', version::text)::text FROM next"
                        : "UPDATE warden_version SET version = version + 1 WHERE id = 1 RETURNING version")
                return (try body(PostgresTables(pool: pool, connection: connection, version: version)), version)
            }
        }
        poll.remember(version, at: started)
        return result
    }

    private static let selectVersion = "SELECT version FROM warden_version WHERE id = 1"

    /// The data version as last learned — from another instance's notification, this one's own write, or a poll —
    /// if that was at most ``cacheInvalidationInterval`` ago, else asked afresh: a check that finds its answer in the
    /// cache for this version may miss another server's write of the last interval (only when notifications are
    /// missing), never an older one.
    public var currentVersion: UInt64 {
        let now = ContinuousClock.now
        if let version = poll.version(seenSince: now - cacheInvalidationInterval) { return version }
        return latestVersion
    }

    /// The data version now: one query outside any transaction (0 when the server cannot be reached; the read
    /// that follows reports the failure).
    public var latestVersion: UInt64 {
        let asked = ContinuousClock.now
        guard
            let version = try? pool.withConnection({ connection throws(StoreError) in
                try Self.version(pool, connection, Self.selectVersion)
            })
        else { return 0 }
        poll.remember(version, at: asked)
        return version
    }

    private static func version(_ pool: PostgresConnectionPool, _ connection: PostgresConnection, _ sql: String) throws(StoreError) -> UInt64 {
        try decodeVersion(try pool.run(PostgresQuery(unsafeSQL: sql), on: connection))
    }

    private static func decodeVersion(_ result: PostgresQueryResult) throws(StoreError) -> UInt64 {
        guard let row = result.rows.first.map(PostgresRandomAccessRow.init) else {
            throw StoreError(.corrupted, "the warden_version row is missing: run `warden migrate --datastore URL`")
        }
        do {
            return UInt64(clamping: try row[0].decode(Int64.self))
        } catch {
            throw StoreError(.corrupted, "the warden_version row is not a number")
        }
    }
}

/// The data version a process last learned — from a poll, its own write, or another instance's notification — and
/// when. Only a newer version, or the same one seen later, replaces it.
final class VersionPoll: Sendable {
    private let state = Mutex<(version: UInt64, at: ContinuousClock.Instant)?>(nil)

    /// The version, if it was seen after `instant`.
    func version(seenSince instant: ContinuousClock.Instant) -> UInt64? {
        state.withLock { known in known.flatMap { $0.at > instant ? $0.version : nil } }
    }

    func remember(_ version: UInt64, at instant: ContinuousClock.Instant) {
        state.withLock { known in
            guard let kept = known else { return known = (version, instant) }
            if version > kept.version || (version == kept.version && instant > kept.at) { known = (version, instant) }
        }
    }
}

import CLMDB
import Foundation

/// An LMDB environment: one data directory, memory-mapped, with named databases.
///
/// Sendable; share one instance per directory per process. Reads run on MVCC snapshots (`read`) and never block
/// the single writer (`write`). Read transactions use `MDB_NOTLS`, so a snapshot may move between threads.
/// When a write fills the map, the environment doubles the map size and runs the write again, so a growing
/// store never fails a user's write for lack of map space.
public final class LMDBEnvironment: @unchecked Sendable {
    /// Settings for opening an environment.
    public struct Configuration: Sendable {
        /// The initial map size in bytes; it grows on demand.
        public var mapSize: Int = 64 << 20
        /// The largest the map may grow to.
        public var maximumMapSize: Int = 1 << 40
        /// The most named databases.
        public var maximumDatabases: UInt32 = 16
        /// The most concurrent read transactions.
        public var maximumReaders: UInt32 = 256
        /// Opens an existing environment for reading only (`MDB_RDONLY`): nothing is created or written, so a
        /// query works on a read-only mount (where LMDB also does without its lock file) and for a user who may
        /// read the data but not change it. Writes fail with `EACCES`.
        public var readOnly = false

        public init() {}
    }

    let handle: OpaquePointer
    /// Held shared by every transaction and exclusively while the map is resized: LMDB allows
    /// `mdb_env_set_mapsize` only while this process has no transaction open.
    let resizeLock = ReadWriteLock()
    let configuration: Configuration
    private let mapSizeLock = NSLock()
    private var currentMapSize: Int
    /// Reset read transactions kept for reuse: `mdb_txn_renew` is cheaper than `mdb_txn_begin` (no allocation).
    private let readPoolLock = NSLock()
    private var readPool: [OpaquePointer] = []
    /// Each thread's own read transaction (the pool serves a read nested in another on the same thread).
    private let threadTransactions = ThreadReadTransactions()

    /// Opens (creating when needed) the environment in the directory `path`.
    /// - Throws: ``LMDBError`` when the directory cannot be created or opened, or is not an LMDB environment.
    public init(path: String, configuration: Configuration = Configuration()) throws(LMDBError) {
        let dataFile = (path as NSString).appendingPathComponent("data.mdb")
        if configuration.readOnly {
            guard FileManager.default.fileExists(atPath: dataFile) else {
                throw LMDBError(rawCode: ENOENT, operation: "open \(path)", detail: "there is no Warden data here")
            }
        } else {
            do {
                try DataDirectory.create(path)
            } catch {
                throw LMDBError(rawCode: EACCES, operation: "create directory '\(path)'")
            }
        }
        let openingLock = DataDirectory.lockForOpening(path)
        defer { openingLock.release() }
        // LMDB would take an empty data file for a new environment and initialise it: a file emptied by accident
        // (or by a full disk) must be reported, never silently replaced by an empty store and fresh signing keys.
        if let size = (try? FileManager.default.attributesOfItem(atPath: dataFile))?[.size] as? Int, size == 0 {
            throw LMDBError(
                rawCode: MDB_INVALID, operation: "open \(dataFile)",
                detail: "the data file is empty (0 bytes): it was damaged or emptied; restore it from a backup")
        }
        var environment: OpaquePointer?
        try LMDBError.check(mdb_env_create(&environment), "mdb_env_create")
        guard let environment else { throw LMDBError(rawCode: ENOMEM, operation: "mdb_env_create") }
        do {
            try LMDBError.check(mdb_env_set_maxdbs(environment, configuration.maximumDatabases), "mdb_env_set_maxdbs")
            try LMDBError.check(mdb_env_set_maxreaders(environment, configuration.maximumReaders), "mdb_env_set_maxreaders")
            try LMDBError.check(mdb_env_set_mapsize(environment, configuration.mapSize), "mdb_env_set_mapsize")
            // Owner-only files: the data directory holds the signing keys. The mode is umask-independent in the
            // direction that matters (a umask only removes bits), and files made by older versions are tightened.
            let flags = UInt32(MDB_NOTLS) | (configuration.readOnly ? UInt32(MDB_RDONLY) : 0)
            try LMDBError.check(mdb_env_open(environment, path, flags, 0o600), "mdb_env_open '\(path)'")
            if !configuration.readOnly { DataDirectory.restrict(path) }
        } catch {
            mdb_env_close(environment)
            throw error
        }
        var info = MDB_envinfo()
        mdb_env_info(environment, &info)
        // LMDB trusts its meta page: a file cut short would fault (SIGBUS) on the first read past its end, so a
        // truncated file is refused here, before any read.
        var stat = MDB_stat()
        mdb_env_stat(environment, &stat)
        let needed = (Int(info.me_last_pgno) + 1) * Int(stat.ms_psize)
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int) ?? needed
        if size < needed {
            mdb_env_close(environment)
            throw LMDBError(
                rawCode: MDB_CORRUPTED, operation: "open \(path)/data.mdb",
                detail: "the file is truncated: \(size) bytes, and its data needs \(needed)")
        }
        self.handle = environment
        self.configuration = configuration
        self.currentMapSize = max(info.me_mapsize, configuration.mapSize)
    }

    deinit {
        threadTransactions.closeAll()
        for transaction in readPool { mdb_txn_abort(transaction) }
        mdb_env_close(handle)
    }

    /// The id of the last committed write transaction in any process: it changes whenever any data changes, and
    /// equals the ``LMDBTransaction/id`` of a snapshot opened now. Read without a transaction.
    public var lastTransactionID: UInt64 {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return UInt64(info.me_last_txnid)
    }

    /// The current map size in bytes.
    public var mapSize: Int {
        mapSizeLock.withLock { currentMapSize }
    }

    /// Opens the named database `name`, creating it when needed (in a write transaction); a read-only
    /// environment opens it in a read transaction, and a missing one is `.notFound`.
    /// - Throws: ``LMDBError`` (`.databasesFull` past `maximumDatabases`).
    public func database(named name: String) throws -> LMDBDatabase {
        guard configuration.readOnly else {
            return try write { transaction in
                var dbi = MDB_dbi()
                try LMDBError.check(mdb_dbi_open(transaction.handle, name, UInt32(MDB_CREATE), &dbi), "mdb_dbi_open '\(name)'")
                return LMDBDatabase(handle: dbi, name: name)
            }
        }
        // A handle opened in a read transaction is usable by later transactions once that one commits.
        resizeLock.lockShared()
        defer { resizeLock.unlock() }
        let transaction = try LMDBTransaction.begin(in: self, readOnly: true)
        var dbi = MDB_dbi()
        let opened = mdb_dbi_open(transaction.handle, name, 0, &dbi)
        guard opened == MDB_SUCCESS else {
            transaction.abort()
            throw LMDBError(rawCode: opened, operation: "mdb_dbi_open '\(name)'")
        }
        try transaction.commit()
        return LMDBDatabase(handle: dbi, name: name)
    }

    /// Runs `body` in a read-only transaction: one consistent snapshot. The transaction must not escape `body`.
    /// - Throws: ``LMDBError`` from LMDB, or what `body` throws.
    public func read<Result>(_ body: (LMDBTransaction) throws -> Result) throws -> Result {
        while true {
            do {
                return try attemptRead(body)
            } catch let error as LMDBError where error.code == .mapResized {
                try adoptMapSize()
            }
        }
    }

    private func attemptRead<Result>(_ body: (LMDBTransaction) throws -> Result) throws -> Result {
        let slot = threadTransactions.slot
        // A read nested in this thread's own-transaction read is already counted by its flag: it takes a pooled
        // transaction without the shared lock (which a waiting resizer would never let it have).
        let nested = slot.inUse
        if !nested, threadTransactions.enter(slot) {
            defer { threadTransactions.leave(slot) }
            if let handle = try threadTransactions.renew(slot, begin: { () throws(LMDBError) in
                try LMDBTransaction.begin(in: self, readOnly: true).handle
            }) {
                slot.inUse = true
                defer {
                    mdb_txn_reset(handle)
                    slot.inUse = false
                }
                return try body(LMDBTransaction(handle: handle, isReadOnly: true))
            }
        }
        if !nested { resizeLock.lockShared() }
        defer { if !nested { resizeLock.unlock() } }
        let transaction = try beginRead()
        defer {
            mdb_txn_reset(transaction.handle)
            readPoolLock.withLock { readPool.append(transaction.handle) }
        }
        return try body(transaction)
    }

    /// A renewed pooled read transaction, or a new one.
    private func beginRead() throws(LMDBError) -> LMDBTransaction {
        if let pooled = readPoolLock.withLock({ readPool.popLast() }) {
            let result = mdb_txn_renew(pooled)
            if result == MDB_SUCCESS { return LMDBTransaction(handle: pooled, isReadOnly: true) }
            mdb_txn_abort(pooled)
        }
        return try LMDBTransaction.begin(in: self, readOnly: true)
    }

    /// Runs `body` in a write transaction and commits it, or aborts it when `body` throws. When the map is
    /// full the whole write is aborted, the map doubled, and `body` run again: `body` must be repeatable.
    /// - Throws: ``LMDBError`` from LMDB (`.mapFull` only past `maximumMapSize`), or what `body` throws.
    public func write<Result>(_ body: (LMDBTransaction) throws -> Result) throws -> Result {
        while true {
            do {
                return try attemptWrite(body)
            } catch let error as LMDBError where error.code == .mapFull {
                try grow(after: error)
            } catch let error as LMDBError where error.code == .mapResized {
                try adoptMapSize()
            }
        }
    }

    private func attemptWrite<Result>(_ body: (LMDBTransaction) throws -> Result) throws -> Result {
        // Inside this thread's own-transaction read, its flag already keeps a resizer out (see `attemptRead`).
        let nested = threadTransactions.slot.inUse
        if !nested { resizeLock.lockShared() }
        defer { if !nested { resizeLock.unlock() } }
        let transaction = try LMDBTransaction.begin(in: self, readOnly: false)
        let result: Result
        do {
            result = try body(transaction)
        } catch {
            transaction.abort()
            throw error
        }
        // mdb_txn_commit frees the transaction whether it succeeds or fails: it is never aborted after this.
        try transaction.commit()
        return result
    }

    /// Another process grew the map (`MDB_MAP_RESIZED`): take its size (`mdb_env_set_mapsize(0)`) while this
    /// process has no transaction open, so readers and writers here carry on instead of failing until a restart.
    private func adoptMapSize() throws(LMDBError) {
        excludeEveryone()
        defer { readmitEveryone() }
        try LMDBError.check(mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize")
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        mapSizeLock.withLock { currentMapSize = max(currentMapSize, info.me_mapsize) }
    }

    /// Waits until no transaction of this process is open and keeps new ones from opening.
    private func excludeEveryone() {
        resizeLock.lockExclusive()
        threadTransactions.stopReaders()
    }

    private func readmitEveryone() {
        threadTransactions.resumeReaders()
        resizeLock.unlock()
    }

    /// Grows the map, doubling it up to the maximum, until it holds what is used now plus `bytes`, while no
    /// transaction of this process is open: a large write then does not fill the map midway and run again. Call
    /// it outside any transaction of this thread.
    public func reserve(bytes: Int) throws(LMDBError) {
        let used = usedBytes
        let needed = min(used.addingReportingOverflow(bytes).overflow ? Int.max : used + bytes, configuration.maximumMapSize)
        guard needed > mapSize else { return }
        excludeEveryone()
        defer { readmitEveryone() }
        var newSize = mapSizeLock.withLock { currentMapSize }
        while newSize < needed { newSize = newSize > configuration.maximumMapSize / 2 ? configuration.maximumMapSize : newSize * 2 }
        guard newSize > mapSize else { return }
        try LMDBError.check(mdb_env_set_mapsize(handle, newSize), "mdb_env_set_mapsize")
        mapSizeLock.withLock { currentMapSize = newSize }
    }

    /// The bytes of the data file's pages in use, up to the last one written.
    private var usedBytes: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        var stat = MDB_stat()
        mdb_env_stat(handle, &stat)
        return (Int(info.me_last_pgno) + 1) * Int(stat.ms_psize)
    }

    /// Doubles the map (up to the maximum) while no transaction of this process is open.
    private func grow(after error: LMDBError) throws(LMDBError) {
        excludeEveryone()
        defer { readmitEveryone() }
        let newSize = mapSizeLock.withLock { min(currentMapSize * 2, configuration.maximumMapSize) }
        guard newSize > mapSize else { throw error }
        try LMDBError.check(mdb_env_set_mapsize(handle, newSize), "mdb_env_set_mapsize")
        mapSizeLock.withLock { currentMapSize = newSize }
    }

    /// What `warden doctor` reports about the environment: how full the map is and who is reading.
    public struct Facts: Sendable {
        public var mapSize: Int
        public var usedBytes: Int
        public var lastTransactionID: UInt64
        /// Reader slots in use (by live transactions of any process), and the most there may be.
        public var readers: Int
        public var maximumReaders: Int
        /// Slots of dead processes cleared now (`mdb_reader_check`); nil where the lock file is not writable.
        public var staleReadersCleared: Int?
    }

    /// The environment's current facts; clears reader slots left by dead processes.
    public func facts() -> Facts {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        var dead: Int32 = 0
        let checked = mdb_reader_check(handle, &dead) == MDB_SUCCESS
        final class Lines { var count = 0 }
        let lines = Lines()
        mdb_reader_list(handle, { message, context in
            guard let message, let context else { return 0 }
            let text = String(cString: message)
            if !text.contains("pid") && !text.contains("no active readers") {
                Unmanaged<Lines>.fromOpaque(context).takeUnretainedValue().count += 1
            }
            return 0
        }, Unmanaged.passUnretained(lines).toOpaque())
        return Facts(
            mapSize: info.me_mapsize, usedBytes: usedBytes,
            lastTransactionID: UInt64(info.me_last_txnid), readers: lines.count,
            maximumReaders: Int(info.me_maxreaders), staleReadersCleared: checked ? Int(dead) : nil)
    }

    /// Flushes buffers to disk (commits already sync unless configured otherwise).
    public func sync() throws(LMDBError) {
        try LMDBError.check(mdb_env_sync(handle, 1), "mdb_env_sync")
    }
}

/// A named database inside an environment. A plain value; valid for the environment's lifetime.
public struct LMDBDatabase: Sendable, Hashable {
    let handle: MDB_dbi
    /// The database's name.
    public let name: String
}

import Foundation
import WardenConditions
import WardenEngine
import WardenModel
import WardenScopes
import WardenStore

/// Warden embedded in a Swift service: one data directory (LMDB) holding stores, models and tuples, and the engine
/// that answers checks over them.
///
/// ```swift
/// let warden = try Warden(dataDirectory: "./warden-data")
/// let store = try warden.createStore(name: "retail")
/// let model = try warden.writeModel(try ModelLoader.load(path: "model.fga"), store: store.id)
/// try warden.write([tuple], store: store.id)
/// let allowed = try warden.check(CheckRequest(user: anne, relation: "can_write", object: product), store: store.id).allowed
/// ```
///
/// `Sendable`; open one per data directory per process and share it.
public final class Warden: Sendable {
    /// Limits and sizes.
    public struct Configuration: Sendable {
        /// The engine's limits (maximum depth, ListObjects page size).
        public var engine = CheckEngine.Configuration()
        /// Check outcomes kept across requests (0 turns the cross-request cache off).
        public var cacheCapacity = 100_000
        /// LMDB settings (initial and maximum map size, read-only).
        public var lmdb = LMDBEnvironment.Configuration()
        /// When set, the token signing keys are kept encrypted under this passphrase (see ``KeyRingSealing``).
        public var keyPassphrase: [UInt8]?
        public init() {}
    }

    /// The tuple store (LMDB) under the data directory.
    public let tuples: LMDBTupleStore
    /// The engine every query uses.
    public let engine: CheckEngine
    let models = CompiledModelCache()
    let tokenState = TokenState()
    /// Encrypts the signing keys at rest, when a passphrase was configured.
    let keySealing: KeyRingSealing?

    /// Opens (creating when needed) the data directory.
    /// - Throws: ``StoreError`` when the directory cannot be created or holds a damaged file.
    public init(dataDirectory: String, configuration: Configuration = Configuration()) throws {
        tuples = try LMDBTupleStore(path: dataDirectory, configuration: configuration.lmdb)
        keySealing = try configuration.keyPassphrase.map { passphrase throws in try KeyRingSealing(passphrase: passphrase) }
        engine = CheckEngine(
            configuration: configuration.engine, conditions: CELConditions(),
            cache: configuration.cacheCapacity > 0 ? CheckCache(capacity: configuration.cacheCapacity) : nil)
    }
}

/// Compiled models by (store, model id): models are immutable, so a compiled one is reused for the process's life.
/// Also remembers, per store, the newest model id and the store's revision, each with the data version it was
/// read at: while nothing has been written, a check neither lists models nor opens a transaction to find its
/// cache key.
final class CompiledModelCache: @unchecked Sendable {
    private struct Key: Hashable {
        var store: String
        var id: String
    }

    private let lock = NSLock()
    private var models: [Key: CompiledModel] = [:]
    private var latest: [String: (id: String, version: UInt64)] = [:]
    private var revisions: [String: (revision: UInt64, version: UInt64)] = [:]

    func latestID(store: String, version: UInt64) -> String? {
        lock.withLock { latest[store].flatMap { $0.version == version ? $0.id : nil } }
    }

    func setLatestID(_ id: String, store: String, version: UInt64) {
        lock.withLock { latest[store] = (id, version) }
    }

    /// The store's revision as a snapshot at data version `version` saw it, if one did.
    func revision(store: String, version: UInt64) -> UInt64? {
        lock.withLock { revisions[store].flatMap { $0.version == version ? $0.revision : nil } }
    }

    func setRevision(_ revision: UInt64, store: String, version: UInt64) {
        lock.withLock {
            if let known = revisions[store], known.version >= version { return }
            revisions[store] = (revision, version)
        }
    }

    func known(store: String, id: String) -> CompiledModel? {
        lock.withLock { models[Key(store: store, id: id)] }
    }

    func model(store: String, id: String, _ make: () throws -> CompiledModel) rethrows -> CompiledModel {
        let key = Key(store: store, id: id)
        if let known = lock.withLock({ models[key] }) { return known }
        let compiled = try make()
        lock.withLock { models[key] = compiled }
        return compiled
    }
}

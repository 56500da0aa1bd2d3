import Foundation
import WardenConditions
import WardenEngine
import WardenModel
import WardenScopes
import WardenStore

/// Warden embedded in a Swift service: a tuple store holding stores, models and tuples — by default one data
/// directory (LMDB); or any ``KeyValueTupleStore``: PostgreSQL shared by several servers, or memory in a service's
/// own tests — and the engine that answers checks over them.
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

    /// The tuple store every operation uses.
    public let tuples: any KeyValueTupleStore
    /// The documents kept beside the tuples (the tenant directory, signing keys, assertions): the same store, seen
    /// through the one concern the token layer and the assertions need.
    public var documents: any DocumentStore { tuples }
    /// The same store when it is the embedded LMDB one (a data directory): the checks on it are compiled for its
    /// snapshot type, and `warden doctor` and `migrate` work on it. Nil on another backend.
    public let embedded: LMDBTupleStore?
    /// The engine every query uses.
    public let engine: CheckEngine
    let models = CompiledModelCache()
    let tokenState = TokenState()
    /// Encrypts the signing keys at rest, when a passphrase was configured.
    let keySealing: KeyRingSealing?

    /// Opens (creating when needed) the data directory.
    /// - Throws: ``StoreError`` when the directory cannot be created or holds a damaged file.
    public convenience init(dataDirectory: String, configuration: Configuration = Configuration()) throws {
        try self.init(tuples: try LMDBTupleStore(path: dataDirectory, configuration: configuration.lmdb), configuration: configuration)
    }

    /// Runs on `tuples`: a ``PostgresTupleStore`` (module WardenPostgres), a ``MemoryTupleStore``, or an LMDB store
    /// opened by hand. `configuration.lmdb` is not used.
    public init(tuples: any KeyValueTupleStore, configuration: Configuration = Configuration()) throws {
        self.tuples = tuples
        embedded = tuples as? LMDBTupleStore
        keySealing = try configuration.keyPassphrase.map { passphrase throws in try KeyRingSealing(passphrase: passphrase) }
        engine = CheckEngine(
            configuration: configuration.engine, conditions: CELConditions(),
            cache: configuration.cacheCapacity > 0 ? CheckCache(capacity: configuration.cacheCapacity) : nil)
    }
}

/// Compiled models by (store, model id): models are immutable, so a compiled one is reused for the process's life.
/// Also remembers, per store, what was read at one data version — the newest model's id and the store's
/// revision — so that while nothing has been written a check neither lists models nor opens a transaction to find
/// its cache key, and learns all of it under one lock.
final class CompiledModelCache: @unchecked Sendable {
    private struct Key: Hashable {
        var store: String
        var id: String
    }

    /// What was read of one store at `version`; a fact from an older version is forgotten, not mixed in.
    private struct StoreFacts {
        var version: UInt64
        var latestModelID: String?
        /// The newest model, compiled: a check on it finds it here without a second lookup.
        var latestModel: CompiledModel?
        var revision: UInt64?
        var info: StoreInfo?
    }

    /// What a check needs to know at a data version: the model it runs (if compiled), the newest model's id (if
    /// known), and the store's revision (if a snapshot at this version saw it).
    struct Lookup {
        var model: CompiledModel?
        var latestModelID: String?
        var revision: UInt64?
    }

    private let lock = NSLock()
    private var models: [Key: CompiledModel] = [:]
    private var facts: [String: StoreFacts] = [:]

    func lookup(store: String, modelID: String?, version: UInt64) -> Lookup {
        lock.withLock {
            let known = facts[store].flatMap { $0.version == version ? $0 : nil }
            if modelID == nil, let latest = known?.latestModel {
                return Lookup(model: latest, latestModelID: known?.latestModelID, revision: known?.revision)
            }
            let wanted = modelID ?? known?.latestModelID
            return Lookup(
                model: wanted.flatMap { models[Key(store: store, id: $0)] }, latestModelID: known?.latestModelID,
                revision: known?.revision)
        }
    }

    func remember(latestModelID: String, store: String, version: UInt64) {
        update(store, version) { $0.latestModelID = latestModelID }
    }

    /// The newest model at `version`, compiled (its id already remembered).
    func remember(latestModel: CompiledModel, store: String, version: UInt64) {
        update(store, version) { facts in
            if facts.latestModelID.map({ $0.bytesEqual(latestModel.id) }) == true { facts.latestModel = latestModel }
        }
    }

    func remember(revision: UInt64, store: String, version: UInt64) {
        update(store, version) { $0.revision = revision }
    }

    func remember(info: StoreInfo, version: UInt64) {
        update(info.id, version) { $0.info = info }
    }

    /// The store's record as read at `version`, if it was.
    func storeInfo(_ store: String, version: UInt64) -> StoreInfo? {
        lock.withLock { facts[store].flatMap { $0.version == version ? $0.info : nil } }
    }

    private func update(_ store: String, _ version: UInt64, _ change: (inout StoreFacts) -> Void) {
        lock.withLock {
            var current = facts[store] ?? StoreFacts(version: version)
            if current.version < version { current = StoreFacts(version: version) }
            guard current.version == version else { return }
            change(&current)
            facts[store] = current
        }
    }

    func model(store: String, id: String, _ make: () throws -> CompiledModel) rethrows -> CompiledModel {
        let key = Key(store: store, id: id)
        if let known = lock.withLock({ models[key] }) { return known }
        let compiled = try make()
        lock.withLock { models[key] = compiled }
        return compiled
    }
}

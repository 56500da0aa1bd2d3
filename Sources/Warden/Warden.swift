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
    /// The store's expiry clock, held here so a check reads it without going through the store's existential.
    let expiryClock: ExpiryClock
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
        expiryClock = tuples.snapshotFactory.clock
        keySealing = try configuration.keyPassphrase.map { passphrase throws in try KeyRingSealing(passphrase: passphrase) }
        engine = CheckEngine(
            configuration: configuration.engine, conditions: CELConditions(),
            cache: configuration.cacheCapacity > 0 ? CheckCache(capacity: configuration.cacheCapacity) : nil)
    }
}

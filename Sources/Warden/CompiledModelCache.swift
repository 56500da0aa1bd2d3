import Foundation
import WardenEngine
import WardenModel
import WardenStore

/// Compiled models by (store, model id): models are immutable, so a compiled one is reused for the process's life.
/// Also remembers, per store, what was read at one data version — the newest model's id and the store's
/// revision — so that while nothing has been written a check neither lists models nor opens a transaction to find
/// its cache key, and learns all of it under one lock. What a thread used lately it also keeps for itself
/// (``ThreadModels``), found without the lock.
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
    /// Each thread's own copy of what a check needs, found without the lock: see ``ThreadModels``.
    private let threads = PerThread<ThreadModels> { ThreadModels() }

    /// The model and revision this thread last checked `store` with at `version` (the newest model when `modelID` is
    /// nil), found without the lock; the thread's own compiled copy once it checks on it often (``ThreadModels``).
    @inline(__always)
    func onThisThread(store: String, modelID: String?, version: UInt64) -> (model: CompiledModel, revision: UInt64)? {
        threads.withValue { $0.lookup(store: store, modelID: modelID, version: version) }
    }

    /// Records on this thread that a check of `store` at `version` ran `model` (the newest when `modelID` is nil)
    /// at `revision`.
    func rememberOnThisThread(store: String, modelID: String?, version: UInt64, model: CompiledModel, revision: UInt64) {
        threads.withValue { $0.remember(store: store, latest: modelID == nil, version: version, model: model, revision: revision) }
    }

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

/// One thread's models and revisions of the stores it checked lately (``RecentStores``): a check that finds its
/// store here at the current data version takes no lock. A model is first the one all threads share; once the
/// thread has checked on it often it compiles its own copy (a model all threads share has its reference count
/// written by every check on every core).
struct ThreadModels {
    struct Entry {
        var version: UInt64
        /// Whether the model is the store's newest at the version.
        var latest: Bool
        var model: CompiledModel
        var revision: UInt64
    }

    private var recent = RecentStores<Entry>()

    mutating func lookup(store: String, modelID: String?, version: UInt64) -> (model: CompiledModel, revision: UInt64)? {
        guard let index = recent.index(of: store), recent[index].version == version else { return nil }
        let matches = if let modelID { recent[index].model.id.bytesEqual(modelID) } else { recent[index].latest }
        guard matches else { return nil }
        let entry = recent.use(index) { shared in
            var own = shared
            own.model = Self.ownCopy(of: shared.model)
            return own
        }
        return (entry.model, entry.revision)
    }

    /// `model` compiled again from a copy of its definition that shares no storage with it (read back from its
    /// JSON): compiled from the same definition, the copy's relations held the same rewrite and restriction
    /// buffers, whose reference counts both cores still wrote on every check.
    static func ownCopy(of model: CompiledModel) -> CompiledModel {
        let definition = (try? ModelJSON.decode(text: ModelJSON.encodeText(model.model))) ?? model.model
        return CompiledModel(definition, id: String(decoding: Array(model.id.utf8), as: UTF8.self))
    }

    mutating func remember(store: String, latest: Bool, version: UInt64, model: CompiledModel, revision: UInt64) {
        guard let index = recent.index(of: store) else {
            recent.add(store, Entry(version: version, latest: latest, model: model, revision: revision))
            return
        }
        // The same model stays as it was (the thread's own copy, or counting towards one); another starts shared.
        let same = recent[index].model.id.bytesEqual(model.id)
        let kept = same ? recent[index].model : model
        recent.replace(index, with: Entry(version: version, latest: latest, model: kept, revision: revision), keepingUses: same)
    }
}

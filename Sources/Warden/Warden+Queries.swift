import WardenEngine
import WardenModel
import WardenStore

extension Warden {
    /// Answers one check on the store's newest (or the given) model, at the store's current revision.
    /// - Parameters:
    ///   - deadline: fail with ``CheckError`` `.deadlineExceeded` once this instant passes.
    ///   - higherConsistency: OpenFGA's `HIGHER_CONSISTENCY`: skip the cross-request cache and start from the
    ///     backend's latest version (on PostgreSQL, not a poll up to the invalidation interval old).
    public func check(
        _ request: CheckRequest, store: String, modelID: String? = nil, explain: Bool = false, deadline: ContinuousClock.Instant? = nil,
        higherConsistency: Bool = false
    ) throws -> CheckResult {
        let version = higherConsistency ? tuples.latestVersion : currentVersion
        // What this thread learned at this data version answers without a lock; else the shared cache, then the store.
        let onThread = higherConsistency ? nil : models.onThisThread(store: store, modelID: modelID, version: version)
        let (model, revision) = try onThread.map { ($0.model, Optional($0.revision)) } ?? self.model(store: store, id: modelID, version: version)
        if onThread == nil, !higherConsistency, let revision {
            models.rememberOnThisThread(store: store, modelID: modelID, version: version, model: model, revision: revision)
        }
        // The cache is keyed by the store's revision: a write to another store leaves this one's answers valid.
        if !explain, !higherConsistency, let revision, let cached = engine.cachedResult(
                for: request, model: model, storeID: store, revision: revision, now: expiryClock.nowMilliseconds)
        {
            return cached
        }
        return try reading(
            store,
            {
                try $0.answer(request, store: store, modelID: modelID, model: model, at: version, revisionKnown: revision != nil, $1,
                    explain: explain, deadline: deadline, higherConsistency: higherConsistency)
            },
            {
                try $0.answer(request, store: store, modelID: modelID, model: model, at: version, revisionKnown: revision != nil, $1,
                    explain: explain, deadline: deadline, higherConsistency: higherConsistency)
            })
    }

    /// ``check(_:store:modelID:explain:deadline:higherConsistency:)`` on its snapshot; the first check at a data
    /// version records the store's revision it saw.
    @inline(__always)
    private func answer(
        _ request: CheckRequest, store: String, modelID: String?, model: CompiledModel, at version: UInt64, revisionKnown: Bool,
        _ snapshot: some TupleSnapshot, explain: Bool, deadline: ContinuousClock.Instant?, higherConsistency: Bool
    ) throws -> CheckResult {
        if !revisionKnown {
            models.remember(revision: snapshot.revision.rawValue, store: store, version: snapshot.version)
            if !higherConsistency, snapshot.version == version {
                models.rememberOnThisThread(
                    store: store, modelID: modelID, version: version, model: model, revision: snapshot.revision.rawValue)
            }
        }
        return try engine.check(request, model: model, snapshot: snapshot, storeID: store, explain: explain, deadline: deadline)
    }

    /// The model a request runs on: this thread's own copy when its checks made one at the current data version
    /// (see ``ThreadModels``), else the one all threads share.
    private func threadModel(store: String, id: String?) throws -> CompiledModel {
        let version = currentVersion
        if let known = models.onThisThread(store: store, modelID: id, version: version) { return known.model }
        return try model(store: store, id: id, version: version).model
    }

    /// Answers many checks on one snapshot.
    public func batchCheck(
        _ requests: [CheckRequest], store: String, modelID: String? = nil, deadline: ContinuousClock.Instant? = nil
    ) throws -> [Result<Bool, CheckError>] {
        let model = try self.model(store: store, id: modelID)
        return try reading(
            store, { $0.engine.batchCheck(requests, model: model, snapshot: $1, storeID: store, deadline: deadline) },
            { $0.engine.batchCheck(requests, model: model, snapshot: $1, storeID: store, deadline: deadline) })
    }

    /// ListObjects on the store's newest (or the given) model.
    public func listObjects(
        _ request: ListObjectsRequest, store: String, modelID: String? = nil, deadline: ContinuousClock.Instant? = nil
    ) throws -> ListObjectsResult {
        let model = try threadModel(store: store, id: modelID)
        return try reading(
            store, { try $0.engine.listObjects(request, model: model, snapshot: $1, deadline: deadline) },
            { try $0.engine.listObjects(request, model: model, snapshot: $1, deadline: deadline) })
    }

    /// ListUsers on the store's newest (or the given) model.
    public func listUsers(_ request: ListUsersRequest, store: String, modelID: String? = nil) throws -> [UserRef] {
        let model = try threadModel(store: store, id: modelID)
        return try reading(
            store, { try $0.engine.listUsers(request, model: model, snapshot: $1) }, { try $0.engine.listUsers(request, model: model, snapshot: $1) })
    }

    /// Expand on the store's newest (or the given) model.
    public func expand(relation: String, object: ObjectRef, store: String, modelID: String? = nil) throws -> UsersetTree {
        let model = try self.model(store: store, id: modelID)
        return try reading(
            store, { try $0.engine.expand(relation: relation, object: object, model: model, snapshot: $1) },
            { try $0.engine.expand(relation: relation, object: object, model: model, snapshot: $1) })
    }

    /// One page of tuples matching `filter` (OpenFGA's Read).
    public func read(_ filter: ReadFilter, store: String, after token: ContinuationToken? = nil, limit: Int = 100) throws -> TuplePage {
        try tuples.readAny(store: store) { snapshot in try snapshot.read(filter, after: token, limit: limit) }
    }

    /// Changes after `token` (OpenFGA's ReadChanges).
    public func changes(store: String, objectType: String? = nil, after token: ContinuationToken? = nil, limit: Int = 100) throws -> ChangePage {
        try tuples.readAny(store: store) { snapshot in try snapshot.changes(objectType: objectType, after: token, limit: limit) }
    }

    /// The token after `store`'s newest change: ``changes(store:objectType:after:limit:)`` from it gives only later
    /// ones (nil when the store has none yet).
    public func endOfChanges(store: String) throws -> ContinuationToken? {
        try tuples.readAny(store: store) { snapshot in try snapshot.endOfChanges() }
    }

    /// The data version a check starts from.
    var currentVersion: UInt64 { embedded?.currentVersion ?? tuples.currentVersion }

    /// Runs one of two copies of the same generic body on a snapshot of `store`: `embedded` compiled for the LMDB
    /// store's snapshot (the hot path keeps its specialized engine), `other` through ``AnyTupleSnapshot`` for any other
    /// backend, where a dynamic call per read is nothing beside a network round trip.
    ///
    /// The bodies get this `Warden` as an argument, passed unretained: callers write two closure literals that
    /// capture nothing of `self`. A local generic function passed twice was a heap-allocated context per request,
    /// and a closure capturing `self` counted a reference on the one `Warden` every thread shares, on every core.
    @inline(__always)
    func reading<Result>(
        _ store: String, _ embedded: (Warden, LMDBTupleStore.Snapshot) throws -> Result, _ other: (Warden, AnyTupleSnapshot) throws -> Result
    ) throws -> Result {
        let warden = Unmanaged.passUnretained(self)
        // Through the optional rather than a bound copy: no reference count on the shared store.
        if let answered = try self.embedded?.read(store: store, { snapshot in try warden._withUnsafeGuaranteedRef { try embedded($0, snapshot) } }) {
            return answered
        }
        return try tuples.readAny(store: store) { snapshot in try warden._withUnsafeGuaranteedRef { try other($0, snapshot) } }
    }
}

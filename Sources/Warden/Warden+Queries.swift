import WardenEngine
import WardenModel
import WardenStore

extension Warden {
    /// Answers one check on the store's newest (or the given) model, at the store's current revision.
    /// - Parameter deadline: fail with ``CheckError`` `.deadlineExceeded` once this instant passes.
    public func check(
        _ request: CheckRequest, store: String, modelID: String? = nil, explain: Bool = false, deadline: ContinuousClock.Instant? = nil
    ) throws -> CheckResult {
        let (model, revision) = try self.model(store: store, id: modelID, version: tuples.currentVersion)
        // The cache is keyed by the store's revision: a write to another store leaves this one's answers valid.
        if !explain, let revision, let cached = engine.cachedResult(for: request, model: model, storeID: store, revision: revision) {
            return cached
        }
        return try tuples.read(store: store) { snapshot in
            models.remember(revision: snapshot.revision.rawValue, store: store, version: snapshot.version)
            return try engine.check(request, model: model, snapshot: snapshot, storeID: store, explain: explain, deadline: deadline)
        }
    }

    /// Answers many checks on one snapshot.
    public func batchCheck(
        _ requests: [CheckRequest], store: String, modelID: String? = nil, deadline: ContinuousClock.Instant? = nil
    ) throws -> [Result<Bool, CheckError>] {
        let model = try self.model(store: store, id: modelID)
        return try tuples.read(store: store) { snapshot in
            engine.batchCheck(requests, model: model, snapshot: snapshot, storeID: store, deadline: deadline)
        }
    }

    /// ListObjects on the store's newest (or the given) model.
    public func listObjects(
        _ request: ListObjectsRequest, store: String, modelID: String? = nil, deadline: ContinuousClock.Instant? = nil
    ) throws -> ListObjectsResult {
        let model = try self.model(store: store, id: modelID)
        return try tuples.read(store: store) { snapshot in
            try engine.listObjects(request, model: model, snapshot: snapshot, deadline: deadline)
        }
    }

    /// ListUsers on the store's newest (or the given) model.
    public func listUsers(_ request: ListUsersRequest, store: String, modelID: String? = nil) throws -> [UserRef] {
        let model = try self.model(store: store, id: modelID)
        return try tuples.read(store: store) { snapshot in try engine.listUsers(request, model: model, snapshot: snapshot) }
    }

    /// Expand on the store's newest (or the given) model.
    public func expand(relation: String, object: ObjectRef, store: String, modelID: String? = nil) throws -> UsersetTree {
        let model = try self.model(store: store, id: modelID)
        return try tuples.read(store: store) { snapshot in
            try engine.expand(relation: relation, object: object, model: model, snapshot: snapshot)
        }
    }

    /// One page of tuples matching `filter` (OpenFGA's Read).
    public func read(_ filter: ReadFilter, store: String, after token: ContinuationToken? = nil, limit: Int = 100) throws -> TuplePage {
        try tuples.read(store: store) { snapshot in try snapshot.read(filter, after: token, limit: limit) }
    }

    /// Changes after `token` (OpenFGA's ReadChanges).
    public func changes(store: String, objectType: String? = nil, after token: ContinuationToken? = nil, limit: Int = 100) throws -> ChangePage {
        try tuples.read(store: store) { snapshot in try snapshot.changes(objectType: objectType, after: token, limit: limit) }
    }
}

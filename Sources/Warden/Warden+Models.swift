import WardenConditions
import WardenEngine
import WardenModel
import WardenStore

extension Warden {
    /// Validates `model` (OpenFGA's rules and condition expressions) and stores it as the store's newest model.
    /// - Returns: the new model's id (a ULID).
    /// - Throws: ``ModelError`` for an invalid model, ``StoreError`` for an unknown store.
    public func writeModel(_ model: AuthorizationModel, store: String) throws -> String {
        try ConditionValidation.validate(model)
        return try tuples.writeModel(json: ModelJSON.encodeText(model), store: store).id
    }

    /// The compiled model `id` of `store`, or its newest model when `id` is nil.
    /// - Throws: ``StoreError`` `.modelNotFound`; ``ModelError`` if stored JSON no longer decodes.
    public func model(store: String, id: String? = nil) throws -> CompiledModel {
        try model(store: store, id: id, version: currentVersion).model
    }

    /// The model (as ``model(store:id:)``) with the store's revision when a snapshot at `version` saw it: one
    /// lookup for everything a check needs before it touches the data.
    func model(store: String, id: String?, version: UInt64) throws -> (model: CompiledModel, revision: UInt64?) {
        let known = models.lookup(store: store, modelID: id, version: version)
        if let model = known.model { return (model, known.revision) }
        var wanted = id ?? known.latestModelID
        if wanted == nil {
            // The data moved since the newest model was last looked up: find its id (keys only, no JSON).
            let latest = try tuples.latestModelID(store: store)
            models.remember(latestModelID: latest, store: store, version: version)
            wanted = latest
        }
        // After a write the newest model's id is read again, but a model once compiled is not read again.
        let model = try models.model(store: store, id: wanted!) {
            let stored = try tuples.model(id: wanted!, store: store)
            return CompiledModel(try ModelJSON.decode(text: stored.json), id: stored.id)
        }
        if id == nil { models.remember(latestModel: model, store: store, version: version) }
        return (model, known.revision)
    }

    /// The store's models, newest first.
    public func listModels(store: String) throws -> [StoredModel] {
        try tuples.listModels(store: store)
    }
}

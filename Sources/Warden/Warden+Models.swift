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
        let version = tuples.currentVersion
        var wanted = id ?? models.latestID(store: store, version: version)
        if wanted == nil {
            // The data moved since the newest model was last looked up: find its id (keys only, no JSON).
            let latest = try tuples.latestModelID(store: store)
            models.setLatestID(latest, store: store, version: version)
            wanted = latest
        }
        let modelID = wanted!
        if let known = models.known(store: store, id: modelID) { return known }
        let stored = try tuples.model(id: modelID, store: store)
        return try models.model(store: store, id: stored.id) {
            CompiledModel(try ModelJSON.decode(text: stored.json), id: stored.id)
        }
    }

    /// The store's models, newest first.
    public func listModels(store: String) throws -> [StoredModel] {
        try tuples.listModels(store: store)
    }
}

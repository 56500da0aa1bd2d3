import WardenStore

extension Warden {
    /// Creates an empty store.
    public func createStore(name: String) throws -> StoreInfo {
        try tuples.createStore(name: name)
    }

    /// The store with exactly this id. Remembered per data version, so an API request on a busy store does not open a
    /// transaction to find it (on PostgreSQL, four round trips).
    /// - Throws: ``StoreError`` `.storeNotFound`.
    public func store(id: String) throws -> StoreInfo {
        let version = currentVersion
        if let known = models.storeInfo(id, version: version) { return known }
        let info = try tuples.store(id: id)
        models.remember(info: info, version: version)
        return info
    }

    /// Every store, oldest first.
    public func listStores() throws -> [StoreInfo] {
        try tuples.listStores()
    }

    /// The store whose id, or else whose unique name, is `reference`.
    /// - Throws: ``StoreError`` `.storeNotFound`, or `.invalidArgument` when several stores have that name.
    public func resolveStore(_ reference: String) throws -> StoreInfo {
        let stores = try tuples.listStores()
        if let byID = stores.first(where: { $0.id == reference }) { return byID }
        let named = stores.filter { $0.name == reference }
        if named.count > 1 {
            throw StoreError(.invalidArgument, "\(named.count) stores are named '\(reference)'; give the store's id")
        }
        guard let store = named.first else { throw StoreError(.storeNotFound, "store '\(reference)' not found") }
        return store
    }

    /// Deletes a store and everything in it.
    public func deleteStore(id: String) throws {
        try tuples.deleteStore(id: id)
    }
}

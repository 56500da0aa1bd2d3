import Foundation

/// A store: one tenant of the engine, holding its own authorization models, tuples and changelog.
public struct StoreInfo: Hashable, Sendable {
    /// The store's id, a ULID.
    public var id: String
    /// A human-readable name.
    public var name: String
    /// When the store was created.
    public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// An authorization model as stored: immutable, under a time-ordered ULID, as OpenFGA's JSON text.
public struct StoredModel: Hashable, Sendable {
    /// The model's id, a ULID: later models have greater ids.
    public var id: String
    /// The model in OpenFGA's JSON form.
    public var json: String

    public init(id: String, json: String) {
        self.id = id
        self.json = json
    }
}

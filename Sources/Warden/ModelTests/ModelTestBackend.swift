import WardenEngine
import WardenModel
import WardenStore

/// Where `.fga.yaml` tests run: the embedded engine on an in-memory store, or any OpenFGA-compatible API (in
/// process or over HTTP), so the same files check the engine and the wire layer alike.
public protocol ModelTestBackend {
    /// A fresh store holding `model` (compiled once per file) and `tuples`, ready for the test's queries.
    func session(model: CompiledModel, tuples: [RelationshipTuple]) throws -> any ModelTestSession
}

/// The queries one test asks of its store.
public protocol ModelTestSession {
    func check(_ request: CheckRequest) throws -> Bool
    func listObjects(_ request: ListObjectsRequest) throws -> [String]
    /// Users as `type:id`, `type:*` or `type:id#relation`.
    func listUsers(_ request: ListUsersRequest) throws -> [String]
}

/// The embedded engine on an in-memory store (what `warden model test` runs by default).
public struct EngineTestBackend: ModelTestBackend {
    public let engine: CheckEngine

    public init(engine: CheckEngine = CheckEngine()) {
        self.engine = engine
    }

    public func session(model compiled: CompiledModel, tuples: [RelationshipTuple]) throws -> any ModelTestSession {
        for tuple in tuples { try compiled.validator.validate(tuple) }
        let store = MemoryTupleStore()
        let id = try store.createStore(name: "test").id
        if !tuples.isEmpty { try store.write(WriteBatch(writes: tuples, onDuplicate: .ignore), store: id) }
        return EngineTestSession(engine: engine, model: compiled, store: store, id: id)
    }
}

struct EngineTestSession: ModelTestSession {
    let engine: CheckEngine
    let model: CompiledModel
    let store: MemoryTupleStore
    let id: String

    func check(_ request: CheckRequest) throws -> Bool {
        try store.read(store: id) { snapshot in try engine.check(request, model: model, snapshot: snapshot).allowed }
    }

    func listObjects(_ request: ListObjectsRequest) throws -> [String] {
        try store.read(store: id) { snapshot in try engine.listObjects(request, model: model, snapshot: snapshot).objects }
    }

    func listUsers(_ request: ListUsersRequest) throws -> [String] {
        try store.read(store: id) { snapshot in try engine.listUsers(request, model: model, snapshot: snapshot).map(\.description) }
    }
}

import WardenEngine
import WardenModel
import WardenStore

/// Where `.fga.yaml` tests run: the embedded engine on an in-memory store, or any OpenFGA-compatible API (in
/// process or over HTTP), so the same files check the engine and the wire layer alike.
public protocol ModelTestBackend {
    /// A fresh store holding `model` (compiled once per file) and `tuples`, ready for the test's queries.
    /// ``ModelTestRunner`` has validated `tuples` against the model by then (so every backend reports an invalid
    /// tuple in the same words).
    func session(model: CompiledModel, tuples: [RelationshipTuple]) throws -> any ModelTestSession
}

/// The queries one test asks of its store.
public protocol ModelTestSession {
    /// Whether several threads may ask at once: the runner then shares a test's checks between the machine's
    /// cores. False unless a session says otherwise.
    var answersConcurrently: Bool { get }
    func check(_ request: CheckRequest) throws -> Bool
    func listObjects(_ request: ListObjectsRequest) throws -> [String]
    /// Users as `type:id`, `type:*` or `type:id#relation`.
    func listUsers(_ request: ListUsersRequest) throws -> [String]
}

/// The embedded engine on a tuple store: by default a fresh in-memory one per test (what `warden model test`
/// runs), or any ``TupleStore`` (the test suite runs OpenFGA's corpus on PostgreSQL this way), each test in a store
/// of its own.
public struct EngineTestBackend<Tuples: TupleStore>: ModelTestBackend {
    public let engine: CheckEngine
    /// Gives the tuple store the next test's store is created in.
    public let tuples: () throws -> Tuples

    public init(engine: CheckEngine = CheckEngine(), tuples: @escaping () throws -> Tuples) {
        self.engine = engine
        self.tuples = tuples
    }

    public func session(model compiled: CompiledModel, tuples list: [RelationshipTuple]) throws -> any ModelTestSession {
        let store = try tuples()
        let id = try store.createStore(name: "test").id
        if !list.isEmpty { try store.write(WriteBatch(writes: list, onDuplicate: .ignore), store: id) }
        return EngineTestSession(engine: engine, model: compiled, store: store, id: id)
    }
}

extension EngineTestBackend where Tuples == MemoryTupleStore {
    /// A fresh in-memory store per test.
    public init(engine: CheckEngine = CheckEngine()) {
        self.init(engine: engine) { MemoryTupleStore() }
    }
}

extension ModelTestSession {
    public var answersConcurrently: Bool { false }
}

struct EngineTestSession<Tuples: TupleStore>: ModelTestSession {
    let engine: CheckEngine
    let model: CompiledModel
    let store: Tuples
    let id: String

    /// Tuple stores are `Sendable` and read from snapshots; the engine and the compiled model are shared by threads.
    var answersConcurrently: Bool { true }

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

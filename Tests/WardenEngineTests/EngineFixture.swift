import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// A model and tuples in a fresh store, with helpers to ask the engine about them.
struct EngineFixture {
    let model: CompiledModel
    let store: any TupleStore
    let storeID: String
    /// The directory an on-disk store lives in, removed with the fixture.
    let directory: TemporaryDirectory?

    /// `tuples` are OpenFGA tuple strings, `document:1#viewer@user:anne`.
    init(
        model text: String, tuples: [String] = [], store: any TupleStore = MemoryTupleStore(), keeping directory: TemporaryDirectory? = nil
    ) throws {
        try self.init(model: try DSLParser.parseModel(text), tuples: tuples, store: store, keeping: directory)
    }

    init(
        model: AuthorizationModel, tuples: [String] = [], store: any TupleStore = MemoryTupleStore(), keeping directory: TemporaryDirectory? = nil
    ) throws {
        self.model = CompiledModel(model, id: "model")
        self.store = store
        self.directory = directory
        storeID = try store.createStore(name: "fixture").id
        if !tuples.isEmpty { try write(tuples) }
    }

    static func tuple(_ text: String) throws -> RelationshipTuple {
        let at = text.lastIndex(of: "@")!
        let left = text[..<at]
        let hash = left.firstIndex(of: "#")!
        return RelationshipTuple(
            try TupleKey(object: String(left[..<hash]), relation: String(left[left.index(after: hash)...]), user: String(text[text.index(after: at)...])))
    }

    func write(_ tuples: [String]) throws {
        try store.write(WriteBatch(writes: tuples.map(Self.tuple)), store: storeID)
    }

    func check(
        _ user: String, _ relation: String, _ object: String, engine: CheckEngine = CheckEngine(conditions: CELConditions()),
        contextual: [String] = [], context: JSONValue? = nil, explain: Bool = false
    ) throws -> CheckResult {
        let request = CheckRequest(
            user: try UserRef(parsing: user), relation: relation, object: try ObjectRef(parsing: object), context: context,
            contextualTuples: try contextual.map(Self.tuple))
        return try read { snapshot in
            try Self.check(engine, request, model, snapshot, storeID, explain)
        }
    }

    private static func check<Snapshot: TupleSnapshot>(
        _ engine: CheckEngine, _ request: CheckRequest, _ model: CompiledModel, _ snapshot: Snapshot, _ storeID: String,
        _ explain: Bool
    ) throws -> CheckResult {
        try engine.check(request, model: model, snapshot: snapshot, storeID: storeID, explain: explain)
    }

    func read<Result>(_ body: (any TupleSnapshot) throws -> Result) throws -> Result {
        try Self.read(store, storeID, body)
    }

    private static func read<Store: TupleStore, Result>(
        _ store: Store, _ id: String, _ body: (any TupleSnapshot) throws -> Result
    ) throws -> Result {
        try store.read(store: id) { snapshot in try body(snapshot) }
    }
}

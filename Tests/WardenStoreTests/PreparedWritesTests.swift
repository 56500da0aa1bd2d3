import Testing
import WardenModel
import WardenStore
import WardenTestSupport

/// Batches prepared outside the write transaction (how imports write): the same outcome and errors as a plain
/// write, and never applied to a store other than the one they were prepared for.
@Suite("Prepared writes")
struct PreparedWritesTests {
    static func tuple(_ id: String) -> RelationshipTuple {
        RelationshipTuple(TupleKey(object: ObjectRef(type: "doc", id: id), relation: "viewer", user: .object(ObjectRef(type: "user", id: "anne"))))
    }

    @Test("a prepared batch writes, refuses a repetition and an existing tuple as a plain batch does, and never outlives its store")
    func prepared() throws {
        let data = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: data.path)
        let id = try store.createStore(name: "s").id
        let outcome = try store.apply(try store.prepare(WriteBatch(writes: [Self.tuple("2"), Self.tuple("1")]), store: id), store: id)
        #expect(outcome.written == 2)
        #expect(try store.read(store: id) { try $0.tuple(Self.tuple("1").key) } == Self.tuple("1"))
        #expect(throws: StoreError.self) { try store.prepare(WriteBatch(writes: [Self.tuple("3"), Self.tuple("3")]), store: id) }
        let again = try store.prepare(WriteBatch(writes: [Self.tuple("4"), Self.tuple("1")]), store: id)
        do {
            _ = try store.apply(again, store: id)
            Issue.record("an existing tuple was written again")
        } catch {
            #expect(error.code == .tupleExists)
            #expect(error.message.contains("object: 'doc:1'"))
        }
        #expect(try store.read(store: id) { try $0.tuple(Self.tuple("4").key) } == nil)
        let pending = try store.prepare(WriteBatch(writes: [Self.tuple("5")]), store: id)
        try store.deleteStore(id: id)
        let replacement = try store.createStore(name: "s").id
        #expect(throws: StoreError.self) { try store.apply(pending, store: id) }
        #expect(throws: StoreError.self) { try store.apply(pending, store: replacement) }
    }
}

/// A batch naming names its store has not interned is encoded with the numbers interning them will give; when
/// another write interns names first, applying it encodes it again with the store's numbers.
@Suite("Prepared writes with new names")
struct PreparedNewNamesTests {
    static func tuple(_ type: String, _ id: String, _ relation: String, _ user: String) -> RelationshipTuple {
        RelationshipTuple(TupleKey(object: ObjectRef(type: type, id: id), relation: relation, user: .object(ObjectRef(type: "user", id: user))))
    }

    @Test("new names: applied as prepared, or after another batch interned names first (both backends)", arguments: ["lmdb", "memory"])
    func newNames(backend: String) throws {
        let data = try TemporaryDirectory()
        if backend == "lmdb" { try exercise(try LMDBTupleStore(path: data.path)) } else { try exercise(MemoryTupleStore()) }
    }

    func exercise(_ store: some KeyValueTupleStore) throws {
        let id = try store.createStore(name: "s").id
        let doc = Self.tuple("doc", "1", "viewer", "anne")
        let first = try store.prepare(WriteBatch(writes: [doc, Self.tuple("doc", "2", "viewer", "bob")]), store: id)
        // Prepared with the same (empty) dictionary: both number their first name 1.
        let folder = Self.tuple("folder", "f", "parent", "carl")
        let second = try store.prepare(WriteBatch(writes: [folder]), store: id)
        #expect(try store.apply(first, store: id).written == 2)
        // `doc`, `viewer` and `user` took numbers 1 to 3: `second` is encoded again inside its transaction.
        #expect(try store.apply(second, store: id).written == 1)
        let third = try store.prepare(WriteBatch(writes: [Self.tuple("folder", "g", "editor", "dan")]), store: id)
        #expect(try store.apply(third, store: id).written == 1)
        for tuple in [doc, Self.tuple("doc", "2", "viewer", "bob"), folder, Self.tuple("folder", "g", "editor", "dan")] {
            #expect(try store.read(store: id) { try $0.tuple(tuple.key) } == tuple, "\(tuple.key)")
        }
        #expect(try store.read(store: id) { try $0.tuple(Self.tuple("folder", "f", "viewer", "carl").key) } == nil)
        let changes = try store.read(store: id) { try $0.changes(objectType: nil, after: nil, limit: 10) }.changes.map(\.tuple.key.description)
        #expect(changes == ["doc:1#viewer@user:anne", "doc:2#viewer@user:bob", "folder:f#parent@user:carl", "folder:g#editor@user:dan"])
        #expect(try store.checkConsistency().problems.isEmpty)
    }
}

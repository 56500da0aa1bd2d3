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

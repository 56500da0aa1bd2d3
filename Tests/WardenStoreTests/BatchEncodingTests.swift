import Testing
import WardenModel
import WardenTestSupport
@testable import WardenStore

/// A large batch's keys are encoded in shares on the machine's cores: the keys, and where encoding stops, must be
/// those of one pass through the batch.
@Suite("Batch encoding in shares")
struct BatchEncodingTests {
    static func tuple(_ id: String, type: String = "doc") -> RelationshipTuple {
        RelationshipTuple(TupleKey(object: ObjectRef(type: type, id: id), relation: "viewer", user: .object(ObjectRef(type: "user", id: "anne"))))
    }

    /// A store that has interned `doc`, `viewer` and `user`, its number and names.
    static func names() throws -> (store: UInt32, names: Names) {
        let tuples = MemoryTupleStore()
        let id = try tuples.createStore(name: "s").id
        try tuples.write(WriteBatch(writes: [Self.tuple("seed")]), store: id)
        return try tuples.readTables { tables in
            let number = try TupleTables.storeRecord(id: id, in: tables).number
            return (number, try NameDictionary().names(store: number, in: tables))
        }
    }

    @Test("5,000 writes: every key, in batch order, as encoded one by one")
    func keysInOrder() throws {
        let (store, names) = try Self.names()
        let writes = (0..<5_000).map { Self.tuple("d\($0)") }
        guard case .encoded(let keys) = TupleTables.encode(writes, store: store, names: names) else {
            Issue.record("not encoded")
            return
        }
        #expect(keys.count == writes.count)
        for (index, tuple) in writes.enumerated() {
            let (key, value) = keys.withEntry(at: index) { (Array($0), Array($1)) }
            #expect(key == (try KeyLayout.forwardKey(store: store, tuple.key, names: names)), "\(index)")
            #expect(value == [], "\(index)")
        }
    }

    @Test("the first problem in batch order decides, whichever share meets it", arguments: [(1_000, 4_000), (4_000, 1_000)])
    func firstProblemDecides(missingAt: Int, tooLongAt: Int) throws {
        let (store, names) = try Self.names()
        var writes = (0..<5_000).map { Self.tuple("d\($0)") }
        writes[missingAt] = Self.tuple("d", type: "folder")
        writes[tooLongAt] = Self.tuple(String(repeating: "x", count: 600))
        switch TupleTables.encode(writes, store: store, names: names) {
        case .missingName: #expect(missingAt < tooLongAt)
        case .failed(let error): #expect(tooLongAt < missingAt && error.message.contains("too long"))
        case .encoded: Issue.record("encoded a batch with a missing name and a key too long")
        }
    }
}

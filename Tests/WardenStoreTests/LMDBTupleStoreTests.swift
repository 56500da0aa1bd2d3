import Foundation
import Testing
import WardenModel
import WardenStore
import WardenTestSupport

/// What only the LMDB store does: growing its map under a large batch.
@Suite("LMDB tuple store")
struct LMDBTupleStoreTests {
    @Test("a batch larger than the map grows the map instead of failing")
    func mapGrowth() throws {
        let directory = try TemporaryDirectory()
        var configuration = LMDBEnvironment.Configuration()
        configuration.mapSize = 1 << 20
        let store = try LMDBTupleStore(path: directory.path, configuration: configuration)
        let id = try store.createStore(name: "growth").id
        let writes = (0..<20_000).map { index in
            RelationshipTuple(TupleKey(object: ObjectRef(type: "document", id: "d\(index)"), relation: "viewer", user: .object(ObjectRef(type: "user", id: "u\(index)"))))
        }
        #expect(try store.write(WriteBatch(writes: writes), store: id) == Revision(rawValue: 1))
        #expect(store.mapSize > 1 << 20)
        let count = try store.read(store: id) { snapshot in try snapshot.read(ReadFilter(), after: nil, limit: 50_000).tuples.count }
        #expect(count == 20_000)
    }
}

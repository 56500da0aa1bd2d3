import Testing
import Warden
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// The cross-request cache per store: a write to one store leaves the others' cached answers in use, and never
/// lets a stale answer out of the store written to.
@Suite("Check cache per store")
struct CacheScopeTests {
    @Test("a write to store B keeps store A's answers cached; a write to A is seen at once")
    func perStoreInvalidation() throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let model = try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n")
        let a = try warden.createStore(name: "a").id
        let b = try warden.createStore(name: "b").id
        for store in [a, b] { _ = try warden.writeModel(model, store: store) }
        func tuple(_ id: String) -> RelationshipTuple {
            RelationshipTuple(TupleKey(object: ObjectRef(type: "doc", id: id), relation: "viewer", user: .object(ObjectRef(type: "user", id: "anne"))))
        }
        try warden.write(WriteBatch(writes: [tuple("1")]), store: a)
        let request = CheckRequest(user: .object(ObjectRef(type: "user", id: "anne")), relation: "viewer", object: ObjectRef(type: "doc", id: "1"))
        #expect(try warden.check(request, store: a).allowed)
        let cache = try #require(warden.engine.cache)
        let before = cache.statistics
        // Store B moves; A's very next check is answered from the cache: one lookup, and it hits.
        try warden.write(WriteBatch(writes: [tuple("2")]), store: b)
        #expect(try warden.check(request, store: a).allowed)
        let after = cache.statistics
        #expect(after.lookups - before.lookups == 1)
        #expect(after.hits - before.hits == 1)
        // Store A moves: the deleted tuple's "yes" is gone at once.
        try warden.write(WriteBatch(deletes: [tuple("1").key]), store: a)
        #expect(try !warden.check(request, store: a).allowed)
    }
}

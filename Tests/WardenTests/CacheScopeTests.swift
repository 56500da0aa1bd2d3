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
        // `viewer` walks (through `owner`), so its answers go through the cache; a relation of direct tuples alone
        // is answered by point reads and never cached (see the next test).
        let model = try DSLParser.parseModel(
            "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define owner: [user]\n    define viewer: [user] or owner\n")
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

    @Test("a relation of direct tuples only is answered by its point reads and leaves the cache alone")
    func terminalRelationsSkipTheCache() throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "s").id
        _ = try warden.writeModel(
            try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user, user:*]\n"),
            store: store)
        try warden.write(WriteBatch(writes: [try RelationshipTuple(TupleKey(object: "doc:1", relation: "viewer", user: "user:*"))]), store: store)
        let cache = try #require(warden.engine.cache)
        let anne = CheckRequest(user: .object(ObjectRef(type: "user", id: "anne")), relation: "viewer", object: ObjectRef(type: "doc", id: "1"))
        let before = cache.statistics
        for _ in 0..<3 { #expect(try warden.check(anne, store: store).allowed) }
        #expect(try !warden.check(CheckRequest(user: anne.user, relation: "viewer", object: ObjectRef(type: "doc", id: "2")), store: store).allowed)
        let after = cache.statistics
        #expect(after.hits == before.hits, "nothing was stored, so nothing hits")
    }
}

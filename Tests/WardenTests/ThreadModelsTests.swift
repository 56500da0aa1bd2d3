import Foundation
import Synchronization
import Testing
@testable import Warden
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// What a thread remembers of a store's models (``ThreadModels``) is keyed by the data version: a new model, a
/// write or an explicit model id is answered as the store says, on the thread that checked before and on others.
@Suite("A thread's own models")
struct ThreadModelsTests {
    static let strict = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n"
    static let open = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user, user:*]\n"

    @Test("a new newest model, a write and an older model's id are each answered by the store's state, on four threads")
    func followsTheStore() throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "s").id
        let first = try warden.writeModel(try DSLParser.parseModel(Self.strict), store: store)
        // A wildcard tuple the first model does not admit (written under the second, which does).
        let second = try warden.writeModel(try DSLParser.parseModel(Self.open), store: store)
        try warden.write(WriteBatch(writes: [try RelationshipTuple(TupleKey(object: "doc:1", relation: "viewer", user: "user:*"))]), store: store)
        let anne = CheckRequest(user: .object(ObjectRef(type: "user", id: "anne")), relation: "viewer", object: ObjectRef(type: "doc", id: "1"))
        @Sendable func answers() throws -> [Bool] {
            [try warden.check(anne, store: store).allowed, try warden.check(anne, store: store, modelID: first).allowed,
             try warden.check(anne, store: store, modelID: second).allowed]
        }
        let onThreads = { (expected: [Bool]) in
            let agreed = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                for _ in 0..<50 where (try? answers()) == expected { agreed.withLock { $0 += 1 } }
            }
            return agreed.withLock { $0 }
        }
        #expect(try answers() == [true, false, true])
        #expect(onThreads([true, false, true]) == 200)
        // A third model, strict again, becomes the newest: the same threads answer by it at once.
        let third = try warden.writeModel(try DSLParser.parseModel(Self.strict), store: store)
        #expect(try answers() == [false, false, true])
        #expect(onThreads([false, false, true]) == 200)
        #expect(try warden.check(anne, store: store, modelID: third).allowed == false)
        // A write under the newest model: answered on every thread.
        try warden.write(WriteBatch(writes: [try RelationshipTuple(TupleKey(object: "doc:1", relation: "viewer", user: "user:anne"))]), store: store)
        #expect(try answers() == [true, true, true])
        #expect(onThreads([true, true, true]) == 200)
    }

    @Test("12 stores checked in turn on one thread (more than a thread keeps): each answers by its own tuples, 10 rounds")
    func moreStoresThanAThreadKeeps() throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let stores = try (0..<12).map { index in
            let store = try warden.createStore(name: "s\(index)").id
            _ = try warden.writeModel(try DSLParser.parseModel(Self.strict), store: store)
            try warden.write(
                WriteBatch(writes: [try RelationshipTuple(TupleKey(object: "doc:\(index)", relation: "viewer", user: "user:anne"))]),
                store: store)
            return store
        }
        var answers: [[Bool]] = []
        for _ in 0..<10 {
            for store in stores {
                answers.append(try (0..<12).map { document in
                    try warden.check(
                        CheckRequest(user: .object(ObjectRef(type: "user", id: "anne")), relation: "viewer",
                            object: ObjectRef(type: "doc", id: "\(document)")),
                        store: store
                    ).allowed
                })
            }
        }
        let expected = (0..<10).flatMap { _ in (0..<12).map { store in (0..<12).map { $0 == store } } }
        #expect(answers == expected)
    }

    @Test("a thread's own copy of a model is the same definition, for every model of the repository and the differential sample")
    func ownCopyIsTheSameModel() throws {
        let root = Fixtures.repositoryRoot
        let differential = root.appendingPathComponent("Tests/Fixtures/differential")
        var paths = try FileManager.default.contentsOfDirectory(atPath: differential.path)
            .filter { $0.hasSuffix(".fga.yaml") }.map { differential.appendingPathComponent($0).path }
        paths += try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("models").path)
            .map { root.appendingPathComponent("models/\($0)/model.fga.yaml").path }
            .filter { FileManager.default.fileExists(atPath: $0) }
        #expect(paths.count > 100)
        for path in paths {
            let shared = CompiledModel(try StoreFile.load(path: path).model, id: "01JMODEL")
            let own = ThreadModels.ownCopy(of: shared)
            #expect(ModelJSON.encodeText(own.model) == ModelJSON.encodeText(shared.model), "\(path)")
            #expect(own.id == shared.id)
        }
    }

    @Test("ListObjects and ListUsers on a thread that made its own copy answer by the store's newest model")
    func listsFollowTheStore() throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "s").id
        // A wildcard tuple written under a model that admits it, then a newest model that does not.
        _ = try warden.writeModel(try DSLParser.parseModel(Self.open), store: store)
        try warden.write(WriteBatch(writes: [try RelationshipTuple(TupleKey(object: "doc:1", relation: "viewer", user: "user:*"))]), store: store)
        _ = try warden.writeModel(try DSLParser.parseModel(Self.strict), store: store)
        let anne = CheckRequest(user: .object(ObjectRef(type: "user", id: "anne")), relation: "viewer", object: ObjectRef(type: "doc", id: "1"))
        let list = ListObjectsRequest(user: .object(ObjectRef(type: "user", id: "anne")), relation: "viewer", objectType: "doc")
        let users = ListUsersRequest(object: ObjectRef(type: "doc", id: "1"), relation: "viewer", filters: [.init(type: "user")])
        // Enough checks for the thread to compile its own copy of the model.
        for _ in 0..<(RecentStores<Int>.ownCopyAfter * 2) { #expect(try warden.check(anne, store: store).allowed == false) }
        #expect(try warden.listObjects(list, store: store).objects == [])
        #expect(try warden.listUsers(users, store: store) == [])
        _ = try warden.writeModel(try DSLParser.parseModel(Self.open), store: store)
        for _ in 0..<(RecentStores<Int>.ownCopyAfter * 2) { #expect(try warden.check(anne, store: store).allowed) }
        #expect(try warden.listObjects(list, store: store).objects == ["doc:1"])
        #expect(try warden.listUsers(users, store: store) == [.wildcard(type: "user")])
    }
}

import Foundation
import Testing
import WardenModel
import WardenStore

/// The behaviour every ``TupleStore`` must have, run unchanged against `MemoryTupleStore` and `LMDBTupleStore`
/// (as OpenFGA's `RunAllTests` and SpiceDB's `AllWithExceptions` do for their datastores).
public enum TupleStoreContract: String, CaseIterable, Sendable, CustomStringConvertible {
    case storesCreateListGetDelete
    case storeNamesValidated
    case modelsAreImmutableAndNewestFirst
    case tupleRoundTripsWithCondition
    case forwardQueriesFilterByUserTypeAndRelation
    case reverseQueryFindsObjectsOfUser
    case visitsStopWhereAsked
    case duplicateWriteFailsUnlessIgnored
    case missingDeleteFailsUnlessIgnored
    case sameTupleTwiceInBatchFails
    case failedBatchChangesNothing
    case revisionAdvancesOncePerChangingBatch
    case readFiltersAndPages
    case continuationTokenFromAnotherQueryRefused
    case changesSinceTokenWithTypeFilter
    case storesAreIsolated
    case keysRefuseNULAndOverlongTuples
    case snapshotDoesNotSeeLaterWrites
    case documentsReplaceAndPersist

    public var description: String { rawValue }

    /// Runs this case against a fresh, empty store.
    public func run(on tuples: some TupleStore) throws {
        switch self {
        case .storesCreateListGetDelete: try Self.storesCreateListGetDelete(tuples)
        case .storeNamesValidated: try Self.storeNamesValidated(tuples)
        case .modelsAreImmutableAndNewestFirst: try Self.modelsAreImmutableAndNewestFirst(tuples)
        case .tupleRoundTripsWithCondition: try Self.tupleRoundTripsWithCondition(tuples)
        case .forwardQueriesFilterByUserTypeAndRelation: try Self.forwardQueries(tuples)
        case .reverseQueryFindsObjectsOfUser: try Self.reverseQuery(tuples)
        case .visitsStopWhereAsked: try Self.visitsStop(tuples)
        case .duplicateWriteFailsUnlessIgnored: try Self.duplicateWrite(tuples)
        case .missingDeleteFailsUnlessIgnored: try Self.missingDelete(tuples)
        case .sameTupleTwiceInBatchFails: try Self.sameTupleTwice(tuples)
        case .failedBatchChangesNothing: try Self.failedBatchChangesNothing(tuples)
        case .revisionAdvancesOncePerChangingBatch: try Self.revisions(tuples)
        case .readFiltersAndPages: try Self.readFiltersAndPages(tuples)
        case .continuationTokenFromAnotherQueryRefused: try Self.foreignToken(tuples)
        case .changesSinceTokenWithTypeFilter: try Self.changes(tuples)
        case .storesAreIsolated: try Self.isolation(tuples)
        case .keysRefuseNULAndOverlongTuples: try Self.badKeys(tuples)
        case .snapshotDoesNotSeeLaterWrites: try Self.snapshotIsolation(tuples)
        case .documentsReplaceAndPersist: try Self.documents(tuples)
        }
    }

    // MARK: Helpers

    /// `object#relation@user` parsed, e.g. `tuple("document:1", "viewer", "user:anne")`.
    public static func tuple(_ object: String, _ relation: String, _ user: String, condition: TupleCondition? = nil)
        -> RelationshipTuple
    {
        RelationshipTuple(try! TupleKey(object: object, relation: relation, user: user), condition: condition)
    }

    /// The ``StoreError`` code `body` throws (nil when it throws nothing; any other error is recorded as an issue).
    public static func code(of body: () throws -> Void) -> StoreError.Code? {
        do {
            try body()
            return nil
        } catch let error as StoreError {
            return error.code
        } catch {
            Issue.record("expected a StoreError, got \(error)")
            return nil
        }
    }

    static func all(_ tuples: some TupleStore, _ store: String) throws -> [String] {
        try tuples.read(store: store) { snapshot throws in
            try snapshot.read(ReadFilter(), after: nil, limit: 10_000).tuples.map(\.description)
        }
    }

    // MARK: Cases

    static func storesCreateListGetDelete(_ tuples: some TupleStore) throws {
        let first = try tuples.createStore(name: "first")
        let second = try tuples.createStore(name: "second")
        #expect(first.id != second.id)
        #expect(first.id < second.id)
        #expect(try tuples.listStores().map(\.name) == ["first", "second"])
        #expect(try tuples.store(id: second.id).name == "second")
        try tuples.deleteStore(id: first.id)
        #expect(try tuples.listStores().map(\.id) == [second.id])
        #expect(code { _ = try tuples.store(id: first.id) } == .storeNotFound)
        #expect(code { try tuples.deleteStore(id: first.id) } == .storeNotFound)
        #expect(code { _ = try tuples.write(WriteBatch(), store: first.id) } == .storeNotFound)
    }

    static func storeNamesValidated(_ tuples: some TupleStore) throws {
        #expect(code { _ = try tuples.createStore(name: "") } == .invalidArgument)
        #expect(code { _ = try tuples.createStore(name: String(repeating: "n", count: 65)) } == .invalidArgument)
        #expect(code { _ = try tuples.createStore(name: "a\u{0}b") } == .invalidArgument)
        #expect(try tuples.listStores().isEmpty)
    }

    static func modelsAreImmutableAndNewestFirst(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "models").id
        #expect(code { _ = try tuples.latestModel(store: store) } == .modelNotFound)
        let first = try tuples.writeModel(json: #"{"schema_version":"1.1"}"#, store: store)
        let second = try tuples.writeModel(json: #"{"schema_version":"1.1","type_definitions":[]}"#, store: store)
        #expect(first.id < second.id)
        #expect(try tuples.listModels(store: store).map(\.id) == [second.id, first.id])
        #expect(try tuples.latestModel(store: store) == second)
        #expect(try tuples.model(id: first.id, store: store) == first)
        #expect(code { _ = try tuples.model(id: "01ARZ3NDEKTSV4RRFFQ69G5FAV", store: store) } == .modelNotFound)
    }

    static func tupleRoundTripsWithCondition(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "round-trip").id
        let context = JSONValue.object([("ip", .string("10.0.0.1")), ("n", .number("1")), ("s", .string("1"))])
        let conditioned = tuple("document:1", "viewer", "user:anne", condition: TupleCondition(name: "in_office", context: context))
        let bare = tuple("document:1", "viewer", "user:*", condition: TupleCondition(name: "later"))
        let plain = tuple("document:1", "editor", "group:eng#member")
        try tuples.write(WriteBatch(writes: [conditioned, bare, plain]), store: store)
        try tuples.read(store: store) { snapshot throws in
            #expect(try snapshot.tuple(conditioned.key) == conditioned)
            #expect(try snapshot.tuple(bare.key) == bare)
            #expect(try snapshot.tuple(plain.key) == plain)
            #expect(try snapshot.tuple(tuple("document:1", "viewer", "user:bob").key) == nil)
        }
    }

    static func forwardQueries(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "forward").id
        let written = [
            tuple("document:1", "viewer", "user:anne"), tuple("document:1", "viewer", "user:*"),
            tuple("document:1", "viewer", "group:eng#member"), tuple("document:1", "viewer", "group:eng#owner"),
            tuple("document:1", "viewer", "team:t#member"), tuple("document:1", "viewers", "user:zed"),
            tuple("document:10", "viewer", "user:ten"),
        ]
        try tuples.write(WriteBatch(writes: written), store: store)
        try tuples.read(store: store) { snapshot throws in
            let object = ObjectRef(type: "document", id: "1")
            func users(_ userType: String?, _ userRelation: String?) throws -> [String] {
                try snapshot.tuples(object: object, relation: "viewer", userType: userType, userRelation: userRelation)
                    .map(\.key.user.description)
            }
            // Order across user types and relations is the backend's; within one, ids are in byte order.
            #expect(try users(nil, nil).sorted() == ["group:eng#member", "group:eng#owner", "team:t#member", "user:*", "user:anne"])
            #expect(try users("user", "") == ["user:*", "user:anne"])
            #expect(try users("group", "member") == ["group:eng#member"])
            #expect(try users("group", nil).sorted() == ["group:eng#member", "group:eng#owner"])
            #expect(try users(nil, "member").sorted() == ["group:eng#member", "team:t#member"])
        }
    }

    static func reverseQuery(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "reverse").id
        try tuples.write(
            WriteBatch(writes: [
                tuple("document:1", "viewer", "user:anne"), tuple("document:2", "viewer", "user:anne"),
                tuple("document:3", "editor", "user:anne"), tuple("folder:1", "viewer", "user:anne"),
                tuple("document:4", "viewer", "user:annex"), tuple("document:5", "viewer", "group:x#member"),
            ]), store: store)
        try tuples.read(store: store) { snapshot throws in
            let anne = try UserRef(parsing: "user:anne")
            #expect(try snapshot.tuples(user: anne, objectType: "document", relation: "viewer").map(\.key.object.id) == ["1", "2"])
            let group = try UserRef(parsing: "group:x#member")
            #expect(try snapshot.tuples(user: group, objectType: "document", relation: "viewer").map(\.key.object.id) == ["5"])
        }
    }

    /// The streaming queries give the listing's tuples in its order and read none after `body` says stop.
    static func visitsStop(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "visits").id
        try tuples.write(
            WriteBatch(writes: (1...5).flatMap { index in
                [tuple("document:\(index)", "viewer", "user:anne"), tuple("document:1", "viewer", "user:u\(index)")]
            }), store: store)
        try tuples.read(store: store) { snapshot throws in
            let anne = try UserRef(parsing: "user:anne")
            var visited: [String] = []
            try snapshot.visitTuples(user: anne, objectType: "document", relation: "viewer") { tuple in
                visited.append(tuple.key.object.id)
                return visited.count < 2
            }
            #expect(visited == ["1", "2"])
            #expect(try snapshot.tuples(user: anne, objectType: "document", relation: "viewer").map(\.key.object.id) == ["1", "2", "3", "4", "5"])
            var users: [String] = []
            try snapshot.visitTuples(object: ObjectRef(type: "document", id: "1"), relation: "viewer", userType: "user", userRelation: "") { tuple in
                users.append(tuple.key.user.description)
                return users.count < 3
            }
            #expect(users == ["user:anne", "user:u1", "user:u2"])
            #expect(try snapshot.hasTuple(user: anne, objectType: "document", relation: "viewer"))
            #expect(try !snapshot.hasTuple(user: anne, objectType: "document", relation: "editor"))
            #expect(try !snapshot.hasTuple(user: UserRef(parsing: "user:nobody"), objectType: "document", relation: "viewer"))
        }
    }

    static func duplicateWrite(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "duplicates").id
        let anne = tuple("document:1", "viewer", "user:anne")
        try tuples.write(WriteBatch(writes: [anne]), store: store)
        #expect(code { try tuples.write(WriteBatch(writes: [anne]), store: store) } == .tupleExists)
        #expect(code { try tuples.write(WriteBatch(writes: [anne], onDuplicate: .ignore), store: store) } == nil)
        let conditioned = tuple("document:1", "viewer", "user:anne", condition: TupleCondition(name: "c"))
        #expect(code { try tuples.write(WriteBatch(writes: [conditioned], onDuplicate: .ignore), store: store) } == .tupleExists)
        #expect(try all(tuples, store) == ["document:1#viewer@user:anne"])
    }

    static func missingDelete(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "missing").id
        let anne = tuple("document:1", "viewer", "user:anne")
        #expect(code { try tuples.write(WriteBatch(deletes: [anne.key]), store: store) } == .tupleNotFound)
        #expect(code { try tuples.write(WriteBatch(deletes: [anne.key], onMissing: .ignore), store: store) } == nil)
        try tuples.write(WriteBatch(writes: [anne]), store: store)
        try tuples.write(WriteBatch(deletes: [anne.key]), store: store)
        #expect(try all(tuples, store).isEmpty)
    }

    static func sameTupleTwice(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "twice").id
        let anne = tuple("document:1", "viewer", "user:anne")
        #expect(code { try tuples.write(WriteBatch(writes: [anne, anne]), store: store) } == .duplicateInBatch)
        #expect(code { try tuples.write(WriteBatch(writes: [anne], deletes: [anne.key]), store: store) } == .duplicateInBatch)
        #expect(try all(tuples, store).isEmpty)
    }

    static func failedBatchChangesNothing(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "atomic").id
        let existing = tuple("document:1", "viewer", "user:anne")
        try tuples.write(WriteBatch(writes: [existing]), store: store)
        let fresh = tuple("document:2", "viewer", "user:bob")
        #expect(code { try tuples.write(WriteBatch(writes: [fresh, existing], deletes: [existing.key]), store: store) } == .duplicateInBatch)
        #expect(code { try tuples.write(WriteBatch(writes: [fresh, existing]), store: store) } == .tupleExists)
        #expect(try all(tuples, store) == ["document:1#viewer@user:anne"])
        #expect(try tuples.read(store: store) { $0.revision } == Revision(rawValue: 1))
        #expect(try tuples.read(store: store) { try $0.changes(objectType: nil, after: nil, limit: 100).changes.count } == 1)
    }

    static func revisions(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "revisions").id
        #expect(try tuples.read(store: store) { $0.revision } == .initial)
        #expect(try tuples.write(WriteBatch(writes: [tuple("a:1", "r", "user:x"), tuple("a:2", "r", "user:x")]), store: store).rawValue == 1)
        #expect(try tuples.write(WriteBatch(deletes: [tuple("a:1", "r", "user:x").key]), store: store).rawValue == 2)
        let unchanged = WriteBatch(writes: [tuple("a:2", "r", "user:x")], onDuplicate: .ignore)
        #expect(try tuples.write(unchanged, store: store).rawValue == 2)
        #expect(try tuples.read(store: store) { $0.revision }.rawValue == 2)
    }

    static func readFiltersAndPages(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "pages").id
        var written: [RelationshipTuple] = []
        for index in 0..<25 { written.append(tuple("document:\(index)", "viewer", "user:u\(index % 3)")) }
        written.append(tuple("folder:1", "viewer", "user:u0"))
        written.append(tuple("document:1", "editor", "user:u1"))
        try tuples.write(WriteBatch(writes: written), store: store)
        try tuples.read(store: store) { snapshot throws in
            var seen: [String] = []
            var token: ContinuationToken?
            var pages = 0
            repeat {
                let page = try snapshot.read(ReadFilter(objectType: "document"), after: token, limit: 10)
                seen += page.tuples.map(\.description)
                token = page.continuation
                pages += 1
            } while token != nil
            #expect(pages == 3)
            #expect(seen.count == 26)
            #expect(Set(seen).count == 26)
            func count(_ filter: ReadFilter) throws -> Int { try snapshot.read(filter, after: nil, limit: 1000).tuples.count }
            #expect(try count(ReadFilter()) == 27)
            #expect(try count(ReadFilter(objectType: "document", objectID: "1")) == 2)
            #expect(try count(ReadFilter(objectType: "document", objectID: "1", relation: "editor")) == 1)
            #expect(try count(ReadFilter(objectType: "document", relation: "viewer")) == 25)
            let u0 = try UserRef(parsing: "user:u0")
            #expect(try count(ReadFilter(objectType: "document", user: u0)) == 9)
            #expect(try count(ReadFilter(user: u0)) == 10)
            #expect(try count(ReadFilter(objectType: "document", relation: "viewer", user: u0)) == 9)
            let exact = try snapshot.read(ReadFilter(objectType: "document", objectID: "1"), after: nil, limit: 2)
            #expect(exact.continuation == nil)
        }
    }

    static func foreignToken(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "tokens").id
        try tuples.write(WriteBatch(writes: [tuple("document:1", "viewer", "user:a"), tuple("document:2", "viewer", "user:a")]), store: store)
        try tuples.read(store: store) { snapshot throws in
            let page = try snapshot.read(ReadFilter(objectType: "document"), after: nil, limit: 1)
            let token = try #require(page.continuation)
            #expect(code { _ = try snapshot.read(ReadFilter(objectType: "folder"), after: token, limit: 1) } == .invalidContinuationToken)
            #expect(code { _ = try snapshot.read(ReadFilter(), after: ContinuationToken(text: "%%%"), limit: 1) } == .invalidContinuationToken)
            #expect(code { _ = try snapshot.changes(objectType: nil, after: token, limit: 1) } == .invalidContinuationToken)
        }
    }

    static func changes(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "changes").id
        let first = tuple("document:1", "viewer", "user:a", condition: TupleCondition(name: "c", context: .object([("x", .number("1"))])))
        try tuples.write(WriteBatch(writes: [first, tuple("folder:1", "viewer", "user:a")]), store: store)
        try tuples.write(WriteBatch(deletes: [first.key]), store: store)
        let (all, token) = try tuples.read(store: store) { snapshot throws in
            let page = try snapshot.changes(objectType: nil, after: nil, limit: 100)
            return (page.changes, page.continuation)
        }
        #expect(all.map(\.operation) == [.write, .write, .delete])
        #expect(all.map(\.revision.rawValue) == [1, 1, 2])
        #expect(all[0].tuple == first)
        #expect(all[2].tuple == first)
        let documents = try tuples.read(store: store) { try $0.changes(objectType: "document", after: nil, limit: 100).changes }
        #expect(documents.map(\.tuple.key.object.description) == ["document:1", "document:1"])
        let paged = try tuples.read(store: store) { try $0.changes(objectType: nil, after: nil, limit: 2) }
        #expect(paged.changes.count == 2)
        let rest = try tuples.read(store: store) { try $0.changes(objectType: nil, after: paged.continuation, limit: 2) }
        #expect(rest.changes.map(\.operation) == [.delete])
        try tuples.write(WriteBatch(writes: [tuple("document:9", "viewer", "user:b")]), store: store)
        let since = try tuples.read(store: store) { try $0.changes(objectType: nil, after: token, limit: 100) }
        #expect(since.changes.map(\.tuple.description) == ["document:9#viewer@user:b"])
        #expect(since.continuation != nil)
        // The type filter compares bytes: `café` precomposed and decomposed are two types.
        let lookalikes = try tuples.createStore(name: "lookalike types").id
        try tuples.write(
            WriteBatch(writes: [tuple("caf\u{E9}:1", "viewer", "user:a"), tuple("cafe\u{301}:1", "viewer", "user:a")]), store: lookalikes)
        let composed = try tuples.read(store: lookalikes) { try $0.changes(objectType: "caf\u{E9}", after: nil, limit: 100).changes }
        #expect(composed.map { Array($0.tuple.key.object.type.utf8) } == [Array("caf\u{E9}".utf8)])
    }

    static func isolation(_ tuples: some TupleStore) throws {
        let first = try tuples.createStore(name: "a").id
        let second = try tuples.createStore(name: "b").id
        try tuples.write(WriteBatch(writes: [tuple("document:1", "viewer", "user:a")]), store: first)
        try tuples.write(WriteBatch(writes: [tuple("document:2", "viewer", "user:b")]), store: second)
        _ = try tuples.writeModel(json: "{}", store: first)
        #expect(try all(tuples, first) == ["document:1#viewer@user:a"])
        #expect(try all(tuples, second) == ["document:2#viewer@user:b"])
        #expect(try tuples.listModels(store: second).isEmpty)
        try tuples.deleteStore(id: first)
        #expect(try all(tuples, second) == ["document:2#viewer@user:b"])
        let recreated = try tuples.createStore(name: "a").id
        #expect(try all(tuples, recreated).isEmpty)
        #expect(try tuples.listModels(store: recreated).isEmpty)
    }

    static func badKeys(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "bad").id
        let nul = RelationshipTuple(TupleKey(object: ObjectRef(type: "document", id: "a\u{0}b"), relation: "viewer", user: .object(ObjectRef(type: "user", id: "x"))))
        #expect(code { try tuples.write(WriteBatch(writes: [nul]), store: store) } == .invalidTuple)
        let long = RelationshipTuple(TupleKey(object: ObjectRef(type: "document", id: String(repeating: "d", count: 250)), relation: "viewer", user: .object(ObjectRef(type: "user", id: String(repeating: "u", count: 300)))))
        #expect(code { try tuples.write(WriteBatch(writes: [tuple("document:ok", "viewer", "user:ok"), long]), store: store) } == .invalidTuple)
        #expect(try all(tuples, store).isEmpty)
    }

    static func documents(_ tuples: some TupleStore) throws {
        #expect(try tuples.document(named: "tenant") == nil)
        try tuples.putDocument(Array("one".utf8), named: "tenant")
        try tuples.putDocument(Array("keys".utf8), named: "signing-keys")
        try tuples.putDocument(Array("two".utf8), named: "tenant")
        #expect(try tuples.document(named: "tenant") == Array("two".utf8))
        #expect(try tuples.document(named: "signing-keys") == Array("keys".utf8))
    }

    static func snapshotIsolation(_ tuples: some TupleStore) throws {
        let store = try tuples.createStore(name: "snapshots").id
        try tuples.write(WriteBatch(writes: [tuple("document:1", "viewer", "user:a")]), store: store)
        try tuples.read(store: store) { snapshot throws in
            try tuples.write(WriteBatch(writes: [tuple("document:1", "viewer", "user:b")]), store: store)
            #expect(snapshot.revision == Revision(rawValue: 1))
            #expect(try snapshot.tuple(tuple("document:1", "viewer", "user:b").key) == nil)
            #expect(try snapshot.read(ReadFilter(), after: nil, limit: 10).tuples.count == 1)
        }
        #expect(try all(tuples, store).count == 2)
    }
}

import Foundation
import Testing
import WardenModel
import WardenTestSupport
@testable import WardenStore

/// Store format 2: names interned per store, a format-1 directory refused until `warden migrate` rewrites it, and
/// the dictionary shared correctly by two stores (processes) on one directory.
@Suite("Store format 2 and migration")
struct StoreFormatTests {
    @Test("name numbers round-trip, and their bytes sort as the numbers do", arguments: [
        (0, 1), (1, 2), (126, 127), (127, 128), (128, 300), (16_383, 16_384), (16_384, 1 << 20), ((1 << 30) - 2, (1 << 30) - 1),
    ])
    func nameCodes(pair: (Int, Int)) throws {
        func code(_ number: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            NameCode.append(UInt32(number), to: &bytes)
            return bytes
        }
        for number in [pair.0, pair.1] {
            var offset = 0
            let decoded = try code(number).withUnsafeBytes { buffer in try NameCode.read(buffer, at: &offset) }
            #expect(decoded == UInt32(number))
            #expect(offset == (number < 128 ? 1 : number < 16_384 ? 2 : 4))
        }
        #expect(code(pair.0).lexicographicallyPrecedes(code(pair.1)))
    }

    @Test("a truncated name number is a located corruption, not a crash")
    func truncatedNameCode() {
        var offset = 0
        #expect(throws: StoreError(.corrupted, "a stored key is truncated (a name number is cut)")) {
            try [UInt8]([0xC0, 1]).withUnsafeBytes { buffer in try NameCode.read(buffer, at: &offset) }
        }
    }

    @Test("the benchmark's tuple shape takes 19 bytes per index key")
    func compactKeys() throws {
        let directory = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: directory.path)
        let id = try store.createStore(name: "compact").id
        let key = try TupleKey(object: "product:p12345", relation: "warehouse", user: "warehouse:w17")
        try store.write(WriteBatch(writes: [RelationshipTuple(key)]), store: id)
        let names = try store.readTables { reader in try NameDictionary().names(store: 1, in: reader) }
        #expect(names.names == ["", "product", "warehouse"])
        // store 4 ‖ #product ‖ "p12345\0" ‖ #warehouse ‖ #warehouse ‖ #"" ‖ "w17\0"
        #expect(try KeyLayout.forwardKey(store: 1, key, names: names) == [0, 0, 0, 1, 1] + Array("p12345".utf8) + [0, 2, 2, 0] + Array("w17".utf8) + [0])
        #expect(try KeyLayout.reverseKey(store: 1, key, names: names)?.count == 19)
    }

    @Test("the reverse key moved out of the forward key equals the one built from names, for 1- and 2-byte numbers")
    func reverseFromForward() throws {
        let filler = (0..<200).map { "name\($0)" }
        for names in [Names().adding(["document", "viewer", "user", "group", "member"]), Names().adding(filler + ["document", "viewer", "user", "group", "member"])] {
            for tuple in [RelationshipTuple(try TupleKey(object: "document:d1", relation: "viewer", user: "group:eng#member"))] + FormatOneDirectory.tuples.prefix(3) {
                let forward = try #require(try KeyLayout.forwardKey(store: 7, tuple.key, names: names))
                #expect(try KeyLayout.reverseKey(forward: forward) == KeyLayout.reverseKey(store: 7, tuple.key, names: names))
            }
        }
        #expect(throws: StoreError.self) { try KeyLayout.reverseKey(forward: [0, 0, 0, 7, 1] + Array("unterminated".utf8)) }
    }

    @Test("a point lookup's key built on the stack is the stored key; long ids take the heap path, a NUL is an error")
    func stackKeys() throws {
        let directory = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: directory.path)
        let id = try store.createStore(name: "stack").id
        let long = RelationshipTuple(
            TupleKey(object: ObjectRef(type: "document", id: String(repeating: "d", count: 200)), relation: "viewer",
                     user: .object(ObjectRef(type: "user", id: String(repeating: "u", count: 100)))))
        try store.write(WriteBatch(writes: FormatOneDirectory.tuples + [long]), store: id)
        let names = try store.readTables { reader in try NameDictionary().names(store: 1, in: reader) }
        for tuple in FormatOneDirectory.tuples + [long] {
            let built = try KeyLayout.withForwardKey(store: 1, tuple.key, names: names) { Array($0) }
            #expect(built == (try KeyLayout.forwardKey(store: 1, tuple.key, names: names)))
            #expect(try store.read(store: id) { try $0.tuple(tuple.key) } == tuple)
        }
        let nul = TupleKey(object: ObjectRef(type: "document", id: "d\u{0}"), relation: "viewer", user: .object(ObjectRef(type: "user", id: "anne")))
        #expect(throws: StoreError.self) { try store.read(store: id) { try $0.tuple(nul) } }
        #expect(try store.read(store: id) { try $0.tuple(try TupleKey(object: "document:d1", relation: "viewer", user: "user:nobody")) } == nil)
    }

    @Test("a format-1 directory is refused with the command that converts it; migrate keeps every tuple and change")
    func migration() throws {
        let (directory, id) = try FormatOneDirectory.make()
        #expect(throws: StoreError(
            .formatMismatch,
            "data directory '\(directory.path)' is in store format 1; this warden reads format 2: run `warden migrate --data \(directory.path)` "
                + "(it rewrites the directory in one transaction)")) {
            try LMDBTupleStore(path: directory.path)
        }
        #expect(try LMDBTupleStore.migrate(path: directory.path) == MigrationReport(from: 1, to: 2, stores: 1, tuples: 4, changes: 6))
        #expect(try LMDBTupleStore.migrate(path: directory.path) == MigrationReport(from: 2, to: 2))

        let store = try LMDBTupleStore(path: directory.path)
        #expect(try store.checkConsistency().problems.isEmpty)
        try store.read(store: id) { snapshot throws in
            let stored = try snapshot.read(ReadFilter(), after: nil, limit: 100).tuples
            #expect(Set(stored) == Set(FormatOneDirectory.tuples.dropLast()))
            #expect(try snapshot.tuple(FormatOneDirectory.tuples[3].key) == FormatOneDirectory.tuples[3])
            #expect(try snapshot.tuples(user: .userset(ObjectRef(type: "group", id: "eng"), relation: "member"), objectType: "document", relation: "viewer")
                == [FormatOneDirectory.tuples[1]])
            let changes = try snapshot.changes(objectType: nil, after: nil, limit: 100).changes
            #expect(changes.map(\.tuple) == FormatOneDirectory.tuples + [FormatOneDirectory.tuples[4]])
            #expect(changes.map(\.revision.rawValue) == [1, 1, 1, 1, 1, 2])
            #expect(changes.map(\.timestampMilliseconds) == [1_000, 1_000, 1_000, 1_000, 1_000, 2_000])
            #expect(changes.map(\.operation) == [.write, .write, .write, .write, .write, .delete])
            #expect(snapshot.revision == Revision(rawValue: 2))
        }
        // Writing after migration continues the revisions and the dictionary.
        let next = RelationshipTuple(try TupleKey(object: "folder:f1", relation: "viewer", user: "user:anne"))
        #expect(try store.write(WriteBatch(writes: [next]), store: id) == Revision(rawValue: 3))
        #expect(try store.checkConsistency().problems.isEmpty)
    }

    @Test("the changelog keeps one entry per revision; pages resume inside a revision and after the last one")
    func changePages() throws {
        let directory = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: directory.path)
        let id = try store.createStore(name: "changes").id
        try store.write(WriteBatch(writes: FormatOneDirectory.tuples), store: id)
        try store.write(WriteBatch(deletes: [FormatOneDirectory.tuples[2].key]), store: id)
        var seen: [String] = []
        var token: ContinuationToken?
        var pages: [Int] = []
        repeat {
            let page = try store.read(store: id) { try $0.changes(objectType: nil, after: token, limit: 2) }
            pages.append(page.changes.count)
            seen += page.changes.map { "\($0.revision.rawValue) \($0.operation == .write ? "+" : "-")\($0.tuple.key)" }
            token = page.continuation
            if page.changes.isEmpty { break }
        } while true
        #expect(pages == [2, 2, 2, 0])
        #expect(seen == FormatOneDirectory.tuples.map { "1 +\($0.key)" } + ["2 -\(FormatOneDirectory.tuples[2].key)"])
        // The last token is where a poller resumes: the next write, and nothing before it.
        let later = RelationshipTuple(try TupleKey(object: "document:d9", relation: "viewer", user: "user:zoe"))
        try store.write(WriteBatch(writes: [later]), store: id)
        let next = try store.read(store: id) { try $0.changes(objectType: nil, after: token, limit: 10) }
        #expect(next.changes.map(\.tuple) == [later])
        #expect(try store.readTables { reader in
            try reader.entries(prefix: KeyLayout.prefix(store: 1), in: .changes).count
        } == 3)
        // Filtered by type, the token still moves past what the filter skipped.
        let folders = try store.read(store: id) { try $0.changes(objectType: "folder", after: nil, limit: 3) }
        #expect(folders.changes.isEmpty)
        #expect(folders.continuation != nil)
    }

    @Test("a damaged format-1 key stops the migration with a located error and leaves the directory as it was")
    func damagedMigration() throws {
        let (directory, _) = try FormatOneDirectory.make()
        do {
            let environment = try LMDBEnvironment(path: directory.path)
            let forward = try environment.database(named: Table.forward.databaseName)
            // A key whose fields never end: `document`, then an id with no terminator.
            try environment.write { transaction in try transaction.put([0, 0, 0, 1] + Array("document\u{0}unterminated".utf8), [], in: forward) }
        }
        #expect(throws: StoreError(.corrupted, "a stored key is truncated (a field has no terminator)")) {
            try LMDBTupleStore.migrate(path: directory.path)
        }
        // Still format 1, untouched: refused as before, and a second attempt fails the same way.
        #expect(throws: StoreError.self) { try LMDBTupleStore(path: directory.path) }
        #expect(throws: StoreError(.corrupted, "a stored key is truncated (a field has no terminator)")) {
            try LMDBTupleStore.migrate(path: directory.path)
        }
    }

    @Test("an empty directory records format 2 and a newer format is refused")
    func newerFormat() throws {
        let directory = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: directory.path)
        try ConsistencyCheckTests.damage(store) { transaction, database in
            try transaction.put(KeyLayout.formatKey, TupleTables.bytes(3), in: database(.meta))
        }
        #expect(throws: StoreError(
            .formatMismatch, "data directory '\(directory.path)' is in store format 3, newer than this warden's 2: use a newer warden")) {
            try LMDBTupleStore(path: directory.path)
        }
        #expect(throws: StoreError.self) { try LMDBTupleStore.migrate(path: directory.path) }
    }

    @Test("two stores on one directory (two processes) intern names without clashing and read each other's")
    func sharedDictionary() throws {
        let directory = try TemporaryDirectory()
        let first = try LMDBTupleStore(path: directory.path)
        let id = try first.createStore(name: "shared").id
        let second = try LMDBTupleStore(path: directory.path)
        let a = RelationshipTuple(try TupleKey(object: "document:d1", relation: "viewer", user: "user:anne"))
        let b = RelationshipTuple(try TupleKey(object: "folder:f1", relation: "owner", user: "user:bob"))
        let c = RelationshipTuple(try TupleKey(object: "team:t1", relation: "member", user: "user:carl"), condition: TupleCondition(name: "on_call"))
        try first.write(WriteBatch(writes: [a]), store: id)
        #expect(try second.read(store: id) { try $0.tuple(a.key) } == a)
        // `first` has not seen `folder` or `owner` when it interns `team`, `member` and `on_call`.
        let prepared = try first.prepare(WriteBatch(writes: [c]), store: id)
        try second.write(WriteBatch(writes: [b]), store: id)
        _ = try first.apply(prepared, store: id)
        for store in [first, second] {
            let all = try store.read(store: id) { try $0.read(ReadFilter(), after: nil, limit: 10).tuples }
            #expect(Set(all) == [a, b, c])
            #expect(try store.checkConsistency().problems.isEmpty)
        }
        let names = try first.readTables { reader in try NameDictionary().names(store: 1, in: reader) }
        #expect(names.names == ["", "document", "viewer", "user", "folder", "owner", "team", "member", "on_call"])
    }

    @Test("a query naming a type or relation no tuple uses finds nothing without interning it")
    func unknownNames() throws {
        let directory = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: directory.path)
        let id = try store.createStore(name: "unknown").id
        try store.write(WriteBatch(writes: [FormatOneDirectory.tuples[0]]), store: id)
        try store.read(store: id) { snapshot throws in
            #expect(try snapshot.tuple(try TupleKey(object: "document:d1", relation: "owner", user: "user:anne")) == nil)
            #expect(try snapshot.tuples(object: ObjectRef(type: "folder", id: "x"), relation: "viewer", userType: nil, userRelation: nil).isEmpty)
            #expect(try snapshot.read(ReadFilter(objectType: "folder"), after: nil, limit: 10).tuples.isEmpty)
        }
        // A delete of an absent tuple with unknown names is "not found", as before.
        #expect(throws: StoreError.self) {
            try store.write(WriteBatch(deletes: [try TupleKey(object: "folder:f", relation: "owner", user: "user:z")]), store: id)
        }
        let names = try store.readTables { reader in try NameDictionary().names(store: 1, in: reader) }
        #expect(names.names == ["", "document", "viewer", "user"])
    }
}

import Foundation
import Testing
import WardenModel
import WardenTestSupport
@testable import WardenStore

/// `warden doctor`'s consistency check: a healthy file passes; each kind of damage is named.
@Suite("Consistency check (warden doctor)")
struct ConsistencyCheckTests {
    static func populated() throws -> (TemporaryDirectory, LMDBTupleStore, String) {
        let data = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: data.path)
        let id = try store.createStore(name: "docs").id
        let tuples = try (0..<50).map { RelationshipTuple(try TupleKey(object: "document:d\($0)", relation: "viewer", user: "user:u\($0)")) }
        try store.write(WriteBatch(writes: tuples), store: id)
        try store.write(WriteBatch(deletes: [tuples[7].key]), store: id)
        return (data, store, id)
    }

    /// Changes the raw tables behind the store's back, as damage would.
    static func damage(_ store: LMDBTupleStore, _ body: (LMDBTransaction, (Table) throws -> LMDBDatabase) throws -> Void) throws {
        var handles: [Table: LMDBDatabase] = [:]
        for table in Table.allCases { handles[table] = try store.environment.database(named: table.databaseName) }
        try store.environment.write { transaction in
            try body(transaction) { table in handles[table]! }
        }
    }

    /// Store 1's interned names as stored.
    static func names(_ store: LMDBTupleStore) throws -> Names {
        try store.readTables { reader in try NameDictionary().names(store: 1, in: reader) }
    }

    @Test("a healthy file: every table in order, indexes and changelog agree, tuples and revision counted")
    func healthy() throws {
        let (_, store, _) = try Self.populated()
        let report = try store.checkConsistency()
        #expect(report.problems.isEmpty)
        #expect(report.stores.map(\.tuples) == [49])
        #expect(report.stores.map(\.revision) == [Revision(rawValue: 2)])
        #expect(report.keys.first { $0.table == "changes" }?.count == 2)
    }

    @Test("a reverse entry lost: the forward and reverse indexes disagree")
    func reverseEntryLost() throws {
        let (_, store, _) = try Self.populated()
        let names = try Self.names(store)
        try Self.damage(store) { transaction, database in
            let key = try KeyLayout.reverseKey(store: 1, try TupleKey(object: "document:d3", relation: "viewer", user: "user:u3"), names: names)!
            #expect(try transaction.delete(key, in: database(.reverse)))
        }
        let problems = try store.checkConsistency().problems
        #expect(problems == [
            "store '\(try store.listStores()[0].id)': tuple 'document:d3#viewer@user:u3' is in the forward index but missing from the reverse index",
            "store '\(try store.listStores()[0].id)': the forward index holds 49 tuples, the reverse index 48",
        ])
    }

    @Test("a tuple written without its change record: the changelog disagrees")
    func changeLost() throws {
        let (_, store, id) = try Self.populated()
        let names = try Self.names(store)
        try Self.damage(store) { transaction, database in
            let tuple = try TupleKey(object: "document:extra", relation: "viewer", user: "user:x")
            try transaction.put(try KeyLayout.forwardKey(store: 1, tuple, names: names)!, [UInt8](), in: database(.forward))
            try transaction.put(try KeyLayout.reverseKey(store: 1, tuple, names: names)!, [UInt8](), in: database(.reverse))
        }
        #expect(try store.checkConsistency().problems == [
            "store '\(id)': the changelog disagrees with the tuples on 1 tuple(s), e.g. 'document:extra#viewer@user:x'"
        ])
    }

    @Test("keys of a deleted store left behind are named")
    func orphans() throws {
        let (_, store, _) = try Self.populated()
        try Self.damage(store) { transaction, database in
            try transaction.put(KeyLayout.prefix(store: 9) + [1, 2, 3], [UInt8](), in: database(.forward))
        }
        #expect(try store.checkConsistency().problems == ["table 'tuples' holds keys of 1 store(s) that no longer exist"])
    }

    @Test("files others may read are reported")
    func permissions() throws {
        let (data, store, _) = try Self.populated()
        #expect(store.permissions().problems.isEmpty)
        chmod(data.path + "/data.mdb", 0o644)
        chmod(data.path, 0o777)
        #expect(store.permissions().problems == [
            "\(data.path) is 777: others may replace the data files (want 0700)",
            "\(data.path)/data.mdb is 644: others may read the signing keys (want 0600)",
        ])
    }

    @Test("a nested-group index entry lost: named, with the command that repairs it; rebuilt, consistent again")
    func nestedGroupEntryLost() throws {
        let data = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: data.path)
        let id = try store.createStore(name: "groups").id
        let edges = try ["a": "b", "b": "c"].map { RelationshipTuple(try TupleKey(object: "group:\($0.key)", relation: "member", user: "group:\($0.value)#member")) }
        try store.write(WriteBatch(writes: edges), store: id)
        #expect(try store.checkConsistency().problems.isEmpty)
        let names = try Self.names(store)
        func code(_ name: String) -> [UInt8] {
            var bytes: [UInt8] = []
            NameCode.append(names.number(name)!, to: &bytes)
            return bytes
        }
        let family = NestingFamily(store: 1, type: code("group"), relation: code("member"))
        try Self.damage(store) { transaction, database in
            let groups = try database(.groups)
            #expect(try transaction.delete(family.downKey(Array("a".utf8), Array("c".utf8)), in: groups))
        }
        #expect(try store.checkConsistency().problems == [
            "store '\(id)': the nested-group index disagrees with the tuples (1 entries missing, 0 extra, 0 wrong): run `warden index rebuild --store \(id)`"
        ])
        try store.setNestedGroupIndex(on: true, store: id)
        #expect(try store.checkConsistency().problems.isEmpty)
        #expect(try store.read(store: id) { try $0.nestedHops(type: "group", relation: "member", from: "a", to: "c") } == 2)
    }

    @Test("the closure comes in key order (ids that begin others, cycles, several roots), so a backend stores it unsorted")
    func closureInKeyOrder() throws {
        let store = MemoryTupleStore()
        let id = try store.createStore(name: "groups").id
        let pairs = [("g1", "g10"), ("g10", "g"), ("g", "g1"), ("b", "g1"), ("ab", "a"), ("a", "b"), ("z", "g10"), ("a", "g")]
        let edges = try pairs.map { RelationshipTuple(try TupleKey(object: "group:\($0.0)", relation: "member", user: "group:\($0.1)#member")) }
        try store.write(WriteBatch(writes: edges), store: id)
        let entries = try store.readTables { tables in
            let number = try TupleTables.storeRecord(id: id, in: tables).number
            let families = try NestedGroupIndex.families(store: number, in: tables)
            #expect(families.count == 1)
            return try NestedGroupIndex.closure(of: families[0], in: tables).entries
        }
        #expect(entries.count > 20)
        for index in entries.indices.dropFirst() {
            #expect(SortedTable.compare(entries[index - 1].key, entries[index].key) < 0, "entry \(index) out of order")
        }
        #expect(try store.checkConsistency().problems.isEmpty)
        #expect(try store.read(store: id) { try $0.nestedHops(type: "group", relation: "member", from: "ab", to: "g10") } == 4)
    }

    @Test("the closure of a large random nesting (cycles included) is the same computed on one core or shared between cores")
    func closureSharedBetweenCores() throws {
        var random = SeededGenerator(seed: 77)
        let store = MemoryTupleStore()
        let id = try store.createStore(name: "groups").id
        // 30 chains of 20 groups, and 40 links between random groups (some closing cycles).
        var edges: Set<String> = []
        for chain in 0..<30 {
            for level in 0..<19 { edges.insert("group:c\(chain)-\(level)#member@group:c\(chain)-\(level + 1)#member") }
        }
        func anyGroup() -> String { "c\(Int.random(in: 0..<30, using: &random))-\(Int.random(in: 0..<20, using: &random))" }
        while edges.count < 30 * 19 + 40 { edges.insert("group:\(anyGroup())#member@group:\(anyGroup())#member") }
        let tuples = try edges.sorted().map { text in
            let parts = text.split(separator: "@")
            let object = parts[0].split(separator: "#")
            return RelationshipTuple(try TupleKey(object: String(object[0]), relation: String(object[1]), user: String(parts[1])))
        }
        try store.write(WriteBatch(writes: tuples), store: id)
        let (alone, shared) = try store.readTables { tables in
            let number = try TupleTables.storeRecord(id: id, in: tables).number
            let family = try NestedGroupIndex.families(store: number, in: tables)[0]
            return (
                try NestedGroupIndex.closure(of: family, in: tables, minimumShare: .max).entries,
                try NestedGroupIndex.closure(of: family, in: tables, minimumShare: 1).entries
            )
        }
        #expect(alone.count > 2 * 30 * 190)
        #expect(alone.map(\.key) == shared.map(\.key))
        #expect(alone.map(\.value) == shared.map(\.value))
        #expect(try store.checkConsistency().problems.isEmpty)
    }
}

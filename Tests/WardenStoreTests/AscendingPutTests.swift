import Foundation
import Testing
import WardenModel
import WardenTestSupport
@testable import WardenStore

/// Sorted batches into real LMDB (`putAscending`): appended while their keys go past the table's last, put where
/// they belong from the first that does not, existing keys kept and reported; and the map made room for first.
@Suite("LMDB ascending puts")
final class AscendingPutTests {
    private let directories = TemporaryDirectories("warden-ascending")

    private func environment(mapSize: Int? = nil) throws -> (LMDBEnvironment, LMDBDatabase) {
        var configuration = LMDBEnvironment.Configuration()
        if let mapSize { configuration.mapSize = mapSize }
        let environment = try LMDBEnvironment(path: try directories.dataPath(), configuration: configuration)
        return (environment, try environment.database(named: "test"))
    }

    /// Puts `entries` (key and value strings) in one write; returns the existing keys' positions and values.
    private func put(
        _ entries: [(String, String)], overwrite: Bool, _ environment: LMDBEnvironment, _ database: LMDBDatabase
    ) throws -> [String] {
        let keys = entries.map { Array($0.0.utf8) }
        let values = entries.map { Array($0.1.utf8) }
        let existing = try environment.write { transaction in
            try transaction.putAscending(count: entries.count, overwrite: overwrite, in: database) { index, body in
                keys[index].withUnsafeBytes { key in values[index].withUnsafeBytes { value in body(key, value) } }
            }
        }
        return existing.map { "\($0.position)=\(String(decoding: $0.value, as: UTF8.self))" }
    }

    private func contents(_ environment: LMDBEnvironment, _ database: LMDBDatabase) throws -> [String] {
        try environment.read { transaction in
            var all: [String] = []
            try transaction.scan(prefix: [], in: database) { key, value in
                all.append(String(decoding: key, as: UTF8.self) + "=" + String(decoding: value, as: UTF8.self))
                return true
            }
            return all
        }
    }

    @Test("into an empty table, past the last key, among stored keys, and out of order: every entry stored")
    func storesEveryEntry() throws {
        let (environment, database) = try environment()
        #expect(try put([("b", "1"), ("d", "2")], overwrite: false, environment, database) == [])
        // Past the last key: appended.
        #expect(try put([("e", "3"), ("f", "4")], overwrite: false, environment, database) == [])
        // The first key among stored ones: put where it belongs.
        #expect(try put([("a", "5"), ("c", "6"), ("g", "7")], overwrite: false, environment, database) == [])
        // Appending, then a key that does not follow its predecessor: the rest put where they belong.
        #expect(try put([("x", "8"), ("z", "9"), ("y", "10"), ("h", "11")], overwrite: false, environment, database) == [])
        #expect(try contents(environment, database) == ["a=5", "b=1", "c=6", "d=2", "e=3", "f=4", "g=7", "h=11", "x=8", "y=10", "z=9"])
    }

    @Test("an existing key keeps its value and is reported by position unless overwriting; a repetition while appending too")
    func existingKeys() throws {
        let (environment, database) = try environment()
        _ = try put([("k", "old"), ("m", "old")], overwrite: false, environment, database)
        // Equal to the table's last key: not appended; kept.
        #expect(try put([("m", "new")], overwrite: false, environment, database) == ["0=old"])
        #expect(try put([("a", "1"), ("k", "new"), ("n", "2")], overwrite: false, environment, database) == ["1=old"])
        // A key repeated while appending: the second finds the first.
        #expect(try put([("p", "first"), ("p", "second")], overwrite: false, environment, database) == ["1=first"])
        #expect(try contents(environment, database) == ["a=1", "k=old", "m=old", "n=2", "p=first"])
        #expect(try put([("k", "new"), ("m", "new"), ("q", "3")], overwrite: true, environment, database) == [])
        #expect(try contents(environment, database) == ["a=1", "k=new", "m=new", "n=2", "p=first", "q=3"])
    }

    @Test("10,000 sorted keys appended fill their pages: far fewer than the same keys put in a random order")
    func appendedPagesAreFull() throws {
        let keys = (0..<10_000).map { String(format: "key-%06d", $0) }
        let (ascending, ascendingTable) = try environment()
        _ = try put(keys.map { ($0, "v") }, overwrite: false, ascending, ascendingTable)
        var generator = SeededGenerator(seed: 14)
        let (shuffled, shuffledTable) = try environment()
        // One key at a time, in a random order: each put is its own descent.
        _ = try put(keys.shuffled(using: &generator).map { ($0, "v") }, overwrite: false, shuffled, shuffledTable)
        #expect(try contents(ascending, ascendingTable) == contents(shuffled, shuffledTable))
        let appended = ascending.facts().usedBytes
        let scattered = shuffled.facts().usedBytes
        print("10,000 keys: \(appended) bytes appended, \(scattered) put in a random order")
        #expect(appended * 5 < scattered * 4, "\(appended) bytes appended, \(scattered) put in a random order")
    }

    @Test("insertAll of packed entries on LMDB and memory: the same keys reported as there, the same tables after")
    func insertAllOnBothBackends() throws {
        func run(_ store: some KeyValueTupleStore) throws -> (reported: [String], contents: [String]) {
            func packed(_ pairs: [(String, String)]) -> PackedEntries {
                var entries = PackedEntries()
                for (key, value) in pairs { entries.append(key: { $0 += Array(key.utf8) }, value: Array(value.utf8)) }
                return entries
            }
            try store.writeTables { writer throws(StoreError) in
                _ = try writer.insertAll(packed([("b", "1"), ("d", "2")]), in: .documents)
            }
            let reported = try store.writeTables { writer throws(StoreError) in
                try writer.insertAll(packed([("a", "3"), ("b", "new"), ("c", "4"), ("d", "new"), ("e", "5")]), in: .documents)
            }
            let contents = try store.readTables { reader in
                var all: [String] = []
                try reader.scan(prefix: [], from: nil, in: .documents) { key, value in
                    all.append(String(decoding: key, as: UTF8.self) + "=" + String(decoding: value, as: UTF8.self))
                    return true
                }
                return all
            }
            return (reported.map { "\($0.position)=\(String(decoding: $0.value, as: UTF8.self))" }, contents)
        }
        let lmdb = try run(try LMDBTupleStore(path: try directories.dataPath()))
        let memory = try run(MemoryTupleStore())
        #expect(lmdb.reported == ["1=1", "3=2"])
        #expect(lmdb.contents == ["a=3", "b=1", "c=4", "d=2", "e=5"])
        #expect(memory.reported == lmdb.reported)
        #expect(memory.contents == lmdb.contents)
    }

    @Test("reserve grows a small map to hold what is used plus the bytes asked for, by doubling, and only when short")
    func reserve() throws {
        let (environment, database) = try environment(mapSize: 256 << 10)
        try environment.reserve(bytes: 10 << 20)
        let grown = environment.mapSize
        #expect(grown >= environment.facts().usedBytes + (10 << 20))
        #expect(grown == 16 << 20)
        try environment.reserve(bytes: 1 << 20)
        #expect(environment.mapSize == grown)
        // What was reserved is there: a write of about 6 MB (three 1 KB values to a page) fits without growing.
        let value = [UInt8](repeating: 7, count: 1024)
        try environment.write { transaction in
            for index in 0..<4_000 { try transaction.put(Array("key-\(index)".utf8), value, in: database) }
        }
        #expect(environment.mapSize == grown)
    }
}

import Testing
@testable import WardenStore
import WardenModel
import WardenTestSupport

/// The memory store's packed table against a dictionary: random puts, bulk puts (as entries and packed, in any
/// order, ascending, and past every stored key), overwrites and deletes (enough to make it compact its buffer many
/// times), then every lookup and prefix scan compared.
@Suite("Memory store: packed sorted table")
struct SortedTableTests {
    /// Short keys over a small alphabet, so prefixes, overwrites and keys that prefix others are common.
    static func key(_ random: inout SeededGenerator) -> [UInt8] {
        (0..<Int.random(in: 1...4, using: &random)).map { _ in UInt8.random(in: 0...3, using: &random) }
    }

    static func value(_ random: inout SeededGenerator) -> [UInt8] {
        (0..<Int.random(in: 0...600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    static func contents(_ table: SortedTable, prefix: [UInt8] = [], from start: [UInt8]? = nil) -> [([UInt8], [UInt8])] {
        var found: [([UInt8], [UInt8])] = []
        table.scan(prefix: prefix, from: start) { key, value in
            found.append((Array(key), Array(value)))
            return true
        }
        return found
    }

    @Test("random puts, bulk puts and deletes give a dictionary's contents, in byte order", arguments: 1...6)
    func againstDictionary(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed))
        var table = SortedTable()
        var expected: [[UInt8]: [UInt8]] = [:]
        for _ in 0..<400 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let (key, value) = (Self.key(&random), Self.value(&random))
                table.put(key, value)
                expected[key] = value
            case 5..<8:
                let key = Self.key(&random)
                #expect(table.delete(key) == (expected.removeValue(forKey: key) != nil))
            default:
                var entries = (0..<Int.random(in: 0...80, using: &random)).map { _ in
                    KeyValueEntry(key: Self.key(&random), value: Self.value(&random))
                }
                if Bool.random(using: &random) {
                    // Strictly ascending, as the nested-group closure comes: merged without sorting.
                    var seen = Set<[UInt8]>()
                    entries = entries.filter { seen.insert($0.key).inserted }.sorted { SortedTable.compare($0.key, $1.key) < 0 }
                }
                if Bool.random(using: &random) {
                    // Past every key stored (some of the time), a packed batch is taken as it lies.
                    if Bool.random(using: &random) { entries = entries.map { KeyValueEntry(key: [9] + $0.key, value: $0.value) } }
                    var packed = PackedEntries()
                    for entry in entries { packed.append(key: { $0 += entry.key }, value: entry.value) }
                    #expect(packed.entries.map(\.key) == entries.map(\.key))
                    table.putAll(packed)
                } else {
                    table.putAll(entries)
                }
                for entry in entries { expected[entry.key] = entry.value }
            }
        }
        let sorted = expected.sorted { SortedTable.compare($0.key, $1.key) < 0 }
        #expect(table.count == expected.count)
        let all = Self.contents(table)
        #expect(all.map(\.0) == sorted.map(\.key))
        #expect(all.map(\.1) == sorted.map(\.value))
        for key in Set((0..<200).map { _ in Self.key(&random) }) {
            let stored = try table.withValue(key) { $0.map(Array.init) }
            #expect(stored == expected[key], "key \(key)")
            let under = Self.contents(table, prefix: key).map(\.0)
            #expect(under == sorted.map(\.key).filter { $0.starts(with: key) }, "prefix \(key)")
            let after = Self.contents(table, prefix: [], from: key).map(\.0)
            #expect(after == sorted.map(\.key).filter { SortedTable.compare($0, key) >= 0 }, "from \(key)")
        }
    }

    @Test("an empty value is present, not absent; a copy keeps its contents when the original changes")
    func emptyValuesAndCopies() throws {
        var table = SortedTable()
        table.put([1], [])
        let copy = table
        table.put([1], [9])
        #expect(try copy.withValue([1]) { $0.map(Array.init) } == [])
        #expect(try table.withValue([1]) { $0.map(Array.init) } == [9])
        #expect(try table.withValue([2]) { $0 == nil })
    }
}

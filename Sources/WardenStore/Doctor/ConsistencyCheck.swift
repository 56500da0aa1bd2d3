import WardenModel

/// What a consistency check of a data file found: per-table key counts, per-store tuple counts, and problems.
/// Empty `problems` means every table is in key order and, for every store, the forward index, the reverse
/// index and the changelog say the same thing.
public struct ConsistencyReport: Sendable {
    /// Keys per table, in ``Table`` order.
    public var keys: [(table: String, count: Int)] = []
    /// Tuples and revision per store, in store-id order.
    public var stores: [(info: StoreInfo, tuples: Int, revision: Revision)] = []
    /// One sentence per problem found.
    public var problems: [String] = []
}

/// Checks a whole data file over any ``OrderedKeyValueReader``: every key of every table in strictly increasing
/// order (the scan itself refuses a key out of order), every forward entry mirrored by exactly one reverse entry
/// with the same condition, and the changelog, replayed, giving exactly the forward index and the store's
/// revision (one pass over each store's forward index). Memory grows with the number of distinct tuples in the
/// changelog of the largest store.
enum ConsistencyCheck {
    static func run(in reader: some OrderedKeyValueReader) -> ConsistencyReport {
        var report = ConsistencyReport()
        for table in Table.allCases {
            var count = 0
            do {
                try reader.scan(prefix: [], from: nil, in: table) { _, _ in
                    count += 1
                    return true
                }
            } catch {
                report.problems.append("table '\(table.databaseName)': \(error.message)")
            }
            report.keys.append((table.databaseName, count))
        }
        guard report.problems.isEmpty else { return report }
        do {
            var numbers: Set<UInt32> = []
            for info in try TupleTables.listStores(in: reader) {
                let number = try TupleTables.storeRecord(id: info.id, in: reader).number
                numbers.insert(number)
                let (tuples, revision) = try check(store: number, named: info.id, in: reader, problems: &report.problems)
                report.stores.append((info, tuples, revision))
            }
            try findOrphans(knowing: numbers, in: reader, problems: &report.problems)
        } catch {
            report.problems.append(error.message)
        }
        return report
    }

    private static func check(
        store number: UInt32, named id: String, in reader: some OrderedKeyValueReader, problems: inout [String]
    ) throws(StoreError) -> (Int, Revision) {
        let prefix = KeyLayout.prefix(store: number)
        let names = try NameDictionary().names(store: number, in: reader)
        // The changelog, replayed: what the forward index must hold.
        var replayed: [[UInt8]: [UInt8]] = [:]
        var lastRevision: UInt64 = 0
        try reader.visit(prefix: prefix, in: .changes) { key, value throws(StoreError) in
            var keyDecoder = KeyDecoder(key, skipping: 4)
            lastRevision = try keyDecoder.uint64()
            try ChangeLog.forEachChange(in: value, names: names) { _, operation, _, tuple throws(StoreError) in
                guard let forward = try KeyLayout.forwardKey(store: number, tuple.key, names: names),
                    let condition = KeyLayout.encodeValue(tuple, names: names)
                else {
                    throw StoreError(.corrupted, "the changelog of store '\(id)' names a tuple it cannot key: '\(tuple.key)'")
                }
                replayed[forward] = operation == .write ? condition : nil
                return true
            }
            return true
        }
        // One pass over the forward index: each entry has its reverse twin with the same value, and is what the
        // changelog says.
        var forwardCount = 0
        var mismatch: String?
        var disagreements = 0
        var example: String?
        try reader.visit(prefix: prefix, in: .forward) { key, value throws(StoreError) in
            forwardCount += 1
            let tuple = try KeyLayout.decode(key, in: .forward, names: names)
            guard let reverse = try KeyLayout.reverseKey(store: number, tuple, names: names) else {
                throw StoreError(.corrupted, "store '\(id)': tuple '\(tuple)' uses a name that is not interned")
            }
            let twin = try reader.get(reverse, in: .reverse)
            if twin == nil || twin! != Array(value) {
                mismatch = mismatch ?? "store '\(id)': tuple '\(tuple)' is in the forward index but "
                    + (twin == nil ? "missing from the reverse index" : "has a different condition there")
            }
            if replayed.removeValue(forKey: Array(key)) != Array(value) {
                disagreements += 1
                if example == nil { example = "'\(tuple)'" }
            }
            return true
        }
        if let mismatch { problems.append(mismatch) }
        var reverseCount = 0
        try reader.scan(prefix: prefix, from: nil, in: .reverse) { _, _ in
            reverseCount += 1
            return true
        }
        if reverseCount != forwardCount {
            problems.append("store '\(id)': the forward index holds \(forwardCount) tuples, the reverse index \(reverseCount)")
        }
        disagreements += replayed.count
        if disagreements > 0 {
            problems.append(
                "store '\(id)': the changelog disagrees with the tuples on \(disagreements) tuple(s)"
                    + (example.map { ", e.g. \($0)" } ?? ""))
        }
        try checkNestedGroups(store: number, named: id, in: reader, problems: &problems)
        let revision = try TupleTables.revision(store: number, in: reader)
        if revision.rawValue != lastRevision {
            problems.append("store '\(id)': its revision is \(revision) but its last change is at \(lastRevision)")
        }
        return (forwardCount, revision)
    }

    /// The store's nested-group index, when it keeps one, against the index its tuples call for (computed afresh).
    private static func checkNestedGroups(
        store number: UInt32, named id: String, in reader: some OrderedKeyValueReader, problems: inout [String]
    ) throws(StoreError) {
        guard try NestedGroupIndex.isOn(store: number, in: reader) else { return }
        var expected: [[UInt8]: [UInt8]] = [:]
        for family in try NestedGroupIndex.families(store: number, in: reader) {
            for entry in try NestedGroupIndex.closure(of: family, in: reader).entries { expected[entry.key] = entry.value }
        }
        var (wrong, extra) = (0, 0)
        try reader.scan(prefix: KeyLayout.prefix(store: number), from: nil, in: .groups) { key, value in
            if let wanted = expected.removeValue(forKey: Array(key)) {
                if wanted != Array(value) { wrong += 1 }
            } else {
                extra += 1
            }
            return true
        }
        guard wrong + extra + expected.count > 0 else { return }
        problems.append(
            "store '\(id)': the nested-group index disagrees with the tuples (\(expected.count) entries missing, \(extra) "
                + "extra, \(wrong) wrong): run `warden index rebuild --store \(id)`")
    }

    /// Keys of a store number no store record names (the meta counter of store 0 is Warden's own).
    private static func findOrphans(
        knowing numbers: Set<UInt32>, in reader: some OrderedKeyValueReader, problems: inout [String]
    ) throws(StoreError) {
        for table in [Table.meta, .models, .forward, .reverse, .changes, .groups, .expiries] {
            var orphans: Set<UInt32> = []
            try reader.scan(prefix: [], from: nil, in: table) { key, _ in
                guard key.count >= 4 else { return true }
                let number = key.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                if number != 0, !numbers.contains(number) { orphans.insert(number) }
                return true
            }
            if !orphans.isEmpty {
                problems.append("table '\(table.databaseName)' holds keys of \(orphans.count) store(s) that no longer exist")
            }
        }
    }
}

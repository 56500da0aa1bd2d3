import WardenModel

/// Which store format a data directory holds, and the rewrite from format 1 (names spelled out in every key) to
/// format 2 (names interned: ``KeyLayout``). A directory that holds stores but no format is format 1.
enum StoreFormat {
    /// The format of the data `reader` sees; nil for a directory that holds nothing yet.
    static func stored(in reader: some OrderedKeyValueReader) throws(StoreError) -> UInt64? {
        let recorded = try reader.withValue(KeyLayout.formatKey, in: .meta) { bytes throws(StoreError) -> UInt64? in
            guard let bytes else { return nil }
            guard bytes.count == 8 else { throw StoreError(.corrupted, "the recorded store format is damaged") }
            return bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        if let recorded { return recorded }
        var anyStore = false
        try reader.scan(prefix: [], from: nil, in: .stores) { _, _ in
            anyStore = true
            return false
        }
        return anyStore ? 1 : nil
    }

    /// Refuses a directory in another format, naming the command that converts it.
    static func require(_ format: UInt64?, path: String) throws(StoreError) {
        guard let format, format != KeyLayout.format else { return }
        if format < KeyLayout.format {
            throw StoreError(
                .formatMismatch,
                "data directory '\(path)' is in store format \(format); this warden reads format \(KeyLayout.format): "
                    + "run `warden migrate --data \(path)` (it rewrites the directory in one transaction)")
        }
        throw StoreError(
            .formatMismatch,
            "data directory '\(path)' is in store format \(format), newer than this warden's \(KeyLayout.format): use a newer warden")
    }

    static func record(in writer: some KeyValueWriter) throws(StoreError) {
        try writer.put(KeyLayout.formatKey, TupleTables.bytes(KeyLayout.format), in: .meta)
    }

    /// Rewrites every store from format 1 to 2 inside the caller's write transaction: tuples and changes are read
    /// in the old layout, their names interned, and written again (the reverse index rebuilt from the forward one).
    /// Revisions, times and the order of changes are kept.
    static func migrateFromVersion1(in writer: some KeyValueWriter) throws(StoreError) -> MigrationReport {
        var rewritten = MigrationReport(from: 1)
        for info in try TupleTables.listStores(in: writer) {
            let number = try TupleTables.storeRecord(id: info.id, in: writer).number
            let prefix = KeyLayout.prefix(store: number)
            var tuples: [RelationshipTuple] = []
            var changes: [(revision: UInt64, operation: UInt8, time: UInt64, tuple: RelationshipTuple)] = []
            try writer.visit(prefix: prefix, in: .forward) { key, value throws(StoreError) in
                var decoder = KeyDecoder(key, skipping: 4)
                tuples.append(RelationshipTuple(try KeyLayoutV1.decodeForward(&decoder), condition: try KeyLayoutV1.decodeCondition(value)))
                return true
            }
            try writer.visit(prefix: prefix, in: .changes) { key, value throws(StoreError) in
                var keyDecoder = KeyDecoder(key, skipping: 4)
                let revision = try keyDecoder.uint64()
                var decoder = KeyDecoder(value)
                let operation = try decoder.byte()
                let time = try decoder.uint64()
                let tuple = try KeyLayoutV1.decodeForward(&decoder)
                changes.append((revision, operation, time, RelationshipTuple(tuple, condition: try KeyLayoutV1.decodeCondition(decoder.remaining))))
                return true
            }
            for table in [Table.forward, .reverse, .changes] {
                var keys: [[UInt8]] = []
                try writer.scan(prefix: prefix, from: nil, in: table) { key, _ in
                    keys.append(Array(key))
                    return true
                }
                for key in keys { try writer.delete(key, in: table) }
            }
            var seen: Set<ByteString> = []
            let used = (tuples + changes.map(\.tuple)).flatMap(KeyLayout.names(of:)).filter { !$0.isEmpty && seen.insert(ByteString($0)).inserted }
            let names = try NameDictionary.intern(used, after: Names(), store: number, in: writer)
            for tuple in tuples {
                let (forward, condition) = try encode(tuple, store: number, names)
                try writer.put(forward, condition, in: .forward)
                try writer.put(try KeyLayout.reverseKey(store: number, tuple.key, names: names)!, condition, in: .reverse)
            }
            // One changelog entry per revision, its changes in their old order (format 1 kept them in key order).
            var index = changes.startIndex
            while index < changes.endIndex {
                let revision = changes[index].revision
                var log = ChangeLog.Builder(time: changes[index].time)
                while index < changes.endIndex, changes[index].revision == revision {
                    let (forward, condition) = try encode(changes[index].tuple, store: number, names)
                    log.append(changes[index].operation == 1 ? .write : .delete, forward: forward, condition: condition)
                    index += 1
                }
                try writer.put(ChangeLog.key(store: number, revision: revision), log.bytes, in: .changes)
            }
            // As a new store: with the nested-group index, built from the tuples just written.
            try NestedGroupIndex.set(on: true, store: number, in: writer)
            rewritten.stores += 1
            rewritten.tuples += tuples.count
            rewritten.changes += changes.count
        }
        try record(in: writer)
        return rewritten
    }

    private static func encode(_ tuple: RelationshipTuple, store: UInt32, _ names: Names) throws(StoreError) -> ([UInt8], [UInt8]) {
        guard let forward = try KeyLayout.forwardKey(store: store, tuple.key, names: names),
            let condition = KeyLayout.encodeCondition(tuple.condition, names: names)
        else { throw StoreError(.corrupted, "tuple '\(tuple.key)' uses a name that was not interned") }
        return (forward, condition)
    }
}

/// What `warden migrate` did: the format the directory was in, and what it rewrote.
public struct MigrationReport: Sendable, Equatable {
    /// The store format before (nil: the directory held nothing).
    public var from: UInt64?
    /// The store format after.
    public var to: UInt64 = KeyLayout.format
    public var stores = 0
    public var tuples = 0
    public var changes = 0
}

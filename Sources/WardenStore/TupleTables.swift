import Foundation
import WardenModel

/// The tuple-store logic shared by every backend: stores, models, atomic batches with OpenFGA's write semantics,
/// and the changelog, written once over ``KeyValueReader`` / ``KeyValueWriter``.
enum TupleTables {
    static let maximumStoreNameLength = 64

    // MARK: Stores

    static func storeRecord(
        id: String, in reader: some OrderedKeyValueReader
    ) throws(StoreError) -> (number: UInt32, info: StoreInfo) {
        guard let bytes = try reader.get(Array(id.utf8), in: .stores) else {
            throw StoreError(.storeNotFound, "store '\(id)' not found")
        }
        return try decodeStore(id: id, bytes)
    }

    private static func decodeStore(id: String, _ bytes: [UInt8]) throws(StoreError) -> (UInt32, StoreInfo) {
        guard bytes.count >= 12 else { throw StoreError(.corrupted, "the record of store '\(id)' is truncated") }
        let number = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let created = bytes[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let name = String(decoding: bytes[12...], as: UTF8.self)
        return (number, StoreInfo(id: id, name: name, createdAt: Date(milliseconds: created)))
    }

    static func listStores(in reader: some OrderedKeyValueReader) throws(StoreError) -> [StoreInfo] {
        var stores: [StoreInfo] = []
        for (key, value) in try reader.entries(prefix: [], in: .stores) {
            stores.append(try decodeStore(id: String(decoding: key, as: UTF8.self), value).1)
        }
        return stores
    }

    static func createStore(
        id: String, name: String, now: Date, in writer: some KeyValueWriter
    ) throws(StoreError) -> StoreInfo {
        guard !name.isEmpty, name.utf8.count <= maximumStoreNameLength,
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw StoreError(
                .invalidArgument,
                "a store name must be 1 to \(maximumStoreNameLength) bytes with no control characters")
        }
        let counterKey = KeyLayout.metaKey(store: 0, "next-store")
        let number = UInt32(try counter(counterKey, in: writer) + 1)
        try writer.put(counterKey, bytes(UInt64(number)), in: .meta)
        var record = KeyEncoder(store: number)
        record.append(now.milliseconds)
        try writer.put(Array(id.utf8), record.bytes + Array(name.utf8), in: .stores)
        try writer.put(NestedGroupIndex.stateKey(store: number), [1], in: .meta)
        return StoreInfo(id: id, name: name, createdAt: Date(milliseconds: now.milliseconds))
    }

    static func deleteStore(id: String, in writer: some KeyValueWriter) throws(StoreError) {
        let number = try storeRecord(id: id, in: writer).number
        let prefix = KeyLayout.prefix(store: number)
        for table in [Table.meta, .models, .forward, .reverse, .changes, .groups, .expiries] {
            var keys: [[UInt8]] = []
            try writer.scan(prefix: prefix, from: nil, in: table) { key, _ in
                keys.append(Array(key))
                return true
            }
            for key in keys { try writer.delete(key, in: table) }
        }
        try writer.delete(Array(id.utf8), in: .stores)
    }

    // MARK: Documents

    /// Rewrites the document `name` from what `transform` makes of the current one, inside the caller's write.
    static func updateDocument(
        named name: String, in writer: some KeyValueWriter, _ transform: ([UInt8]?) throws(StoreError) -> [UInt8]
    ) throws(StoreError) -> [UInt8] {
        let updated = try transform(try writer.get(Array(name.utf8), in: .documents))
        try writer.put(Array(name.utf8), updated, in: .documents)
        return updated
    }

    // MARK: Models

    static func writeModel(id: String, json: String, store: UInt32, in writer: some KeyValueWriter) throws(StoreError) {
        try writer.put(KeyLayout.prefix(store: store) + Array(id.utf8), Array(json.utf8), in: .models)
    }

    static func model(id: String, store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> StoredModel {
        guard let json = try reader.get(KeyLayout.prefix(store: store) + Array(id.utf8), in: .models) else {
            throw StoreError(.modelNotFound, "authorization model '\(id)' not found")
        }
        return StoredModel(id: id, json: String(decoding: json, as: UTF8.self))
    }

    static func listModels(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> [StoredModel] {
        try reader.entries(prefix: KeyLayout.prefix(store: store), in: .models).reversed().map { entry in
            StoredModel(id: String(decoding: entry.key.dropFirst(4), as: UTF8.self), json: String(decoding: entry.value, as: UTF8.self))
        }
    }

    /// The newest model's id: the greatest key under the store (ids are ULIDs, so key order is age), read
    /// without copying any model's JSON.
    static func latestModelID(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> String? {
        var newest: [UInt8]?
        try reader.scan(prefix: KeyLayout.prefix(store: store), from: nil, in: .models) { key, _ in
            newest = Array(key.dropFirst(4))
            return true
        }
        return newest.map { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: Revisions

    static func revision(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> Revision {
        Revision(rawValue: try counter(KeyLayout.metaKey(store: store, "revision"), in: reader))
    }

    private static func counter(_ key: [UInt8], in reader: some OrderedKeyValueReader) throws(StoreError) -> UInt64 {
        try reader.withValue(key, in: .meta) { bytes throws(StoreError) -> UInt64 in
            guard let bytes else { return 0 }
            guard bytes.count == 8 else { throw StoreError(.corrupted, "a stored counter is damaged") }
            return bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }

    static func bytes(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}

extension Date {
    init(milliseconds: UInt64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    var milliseconds: UInt64 { UInt64(max(0, (timeIntervalSince1970 * 1000).rounded(.down))) }
}

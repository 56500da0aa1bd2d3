import Foundation

/// Opens ``KeyValueSnapshot``s for a backend: each store's number and revision key are looked up once per data
/// version (a snapshot opened while nothing was written reads neither the store record nor makes a key), and
/// forgotten as soon as the data moves. Shared by every backend.
final class SnapshotFactory: @unchecked Sendable {
    private struct Known {
        var number: UInt32
        var version: UInt64
        var revisionKey: [UInt8]
    }

    private let lock = NSLock()
    private var known: [String: Known] = [:]

    func snapshot<Reader: OrderedKeyValueReader>(store: String, in reader: Reader) throws(StoreError) -> KeyValueSnapshot<Reader> {
        let version = reader.version
        if let found = lock.withLock({ known[store] }), found.version == version {
            return try KeyValueSnapshot(reader: reader, store: found.number, revisionKey: found.revisionKey)
        }
        let number = try TupleTables.storeRecord(id: store, in: reader).number
        let revisionKey = KeyLayout.metaKey(store: number, "revision")
        lock.withLock { known[store] = Known(number: number, version: version, revisionKey: revisionKey) }
        return try KeyValueSnapshot(reader: reader, store: number, revisionKey: revisionKey)
    }
}

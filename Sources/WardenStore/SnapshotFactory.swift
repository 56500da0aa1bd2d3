import Foundation
import WardenModel

/// Opens ``KeyValueSnapshot``s for a backend: each store's number, revision key, names and whether it keeps the
/// nested-group index are looked up once per data
/// version (a snapshot opened while nothing was written reads neither the store record nor makes a key), and
/// forgotten as soon as the data moves. Shared by every backend; one per store instance.
public final class SnapshotFactory: @unchecked Sendable {
    private struct Known {
        var number: UInt32
        var version: UInt64
        var revisionKey: [UInt8]
        var names: Names
        /// Whether the store keeps the nested-group index.
        var nestedGroups: Bool
    }

    /// The backend's interned names, per store.
    let dictionary = NameDictionary()
    /// The time expiry is decided by (tests set it).
    public let clock = ExpiryClock()

    private let lock = NSLock()
    /// By store id's bytes.
    private var known: [ByteString: Known] = [:]

    public init() {}

    func snapshot<Reader: OrderedKeyValueReader>(store: String, in reader: Reader) throws(StoreError) -> KeyValueSnapshot<Reader> {
        let version = reader.version
        if let found = lock.withLock({ known[ByteString(store)] }), found.version == version {
            return try KeyValueSnapshot(
                reader: reader, store: found.number, revisionKey: found.revisionKey, names: found.names, nestedGroups: found.nestedGroups,
                now: clock.nowMilliseconds)
        }
        let number = try TupleTables.storeRecord(id: store, in: reader).number
        let revisionKey = KeyLayout.metaKey(store: number, "revision")
        let names = try dictionary.names(store: number, in: reader)
        let nestedGroups = try NestedGroupIndex.isOn(store: number, in: reader)
        lock.withLock {
            known[ByteString(store)] = Known(number: number, version: version, revisionKey: revisionKey, names: names, nestedGroups: nestedGroups)
        }
        return try KeyValueSnapshot(
            reader: reader, store: number, revisionKey: revisionKey, names: names, nestedGroups: nestedGroups, now: clock.nowMilliseconds)
    }
}

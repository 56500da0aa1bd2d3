import Foundation
import WardenModel

/// What a snapshot knows of its store before reading anything, looked up once per data version.
struct StoreFacts {
    var number: UInt32
    /// The store's revision: like every fact here it changes only with the data version (a write commits both).
    var revision: Revision
    var names: Names
    /// Whether the store keeps the nested-group index.
    var nestedGroups: Bool
    /// The nesting families (`#T ‖ #R`) holding expiring nesting tuples: checks through them walk.
    var expiringNesting: [[UInt8]]
    /// Whether any tuple of the store expires (else nobody looks for the next expiry).
    var expires: Bool
}

/// Opens ``KeyValueSnapshot``s for a backend: each store's ``StoreFacts`` are looked up once per data version (a
/// snapshot opened while nothing was written reads neither the store record nor its revision), and forgotten as
/// soon as the data moves. Shared by every backend; one per store instance.
public final class SnapshotFactory: @unchecked Sendable {
    /// The backend's interned names, per store.
    let dictionary = NameDictionary()
    /// The time expiry is decided by (tests set it).
    public let clock = ExpiryClock()

    private let lock = NSLock()
    /// By store id's bytes: the facts and the data version they hold at.
    private var known: [ByteString: (facts: StoreFacts, version: UInt64)] = [:]

    public init() {}

    func snapshot<Reader: OrderedKeyValueReader>(store: String, in reader: Reader) throws(StoreError) -> KeyValueSnapshot<Reader> {
        let version = reader.version
        if let found = lock.withLock({ known[ByteString(store)] }), found.version == version {
            return KeyValueSnapshot(reader: reader, facts: found.facts, now: clock.nowMilliseconds)
        }
        let number = try TupleTables.storeRecord(id: store, in: reader).number
        let facts = StoreFacts(
            number: number, revision: try TupleTables.revision(store: number, in: reader),
            names: try dictionary.names(store: number, in: reader),
            nestedGroups: try NestedGroupIndex.isOn(store: number, in: reader),
            expiringNesting: try NestedGroupIndex.familiesWithExpiringNesting(store: number, in: reader),
            expires: try ExpiryQueue.holdsAny(store: number, in: reader))
        lock.withLock { known[ByteString(store)] = (facts, version) }
        return KeyValueSnapshot(reader: reader, facts: facts, now: clock.nowMilliseconds)
    }
}

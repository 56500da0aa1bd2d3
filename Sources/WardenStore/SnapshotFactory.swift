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

extension StoreFacts {
    /// A copy sharing no storage with this one: a thread's own.
    func ownCopy() -> StoreFacts {
        var copy = self
        copy.names = names.ownCopy()
        copy.expiringNesting = expiringNesting.map { $0.map { $0 } }
        return copy
    }
}

/// Opens ``KeyValueSnapshot``s for a backend: each store's ``StoreFacts`` are looked up once per data version (a
/// snapshot opened while nothing was written reads neither the store record nor its revision), and forgotten as
/// soon as the data moves. Each thread keeps the facts of the stores it read lately (``RecentStores``), found without
/// a lock, its own copy once used often; the facts of every store are also kept for all threads, under a lock, for
/// a thread's first read of a store. Shared by every backend; one per store instance.
public final class SnapshotFactory: @unchecked Sendable {
    /// The backend's interned names, per store (what writers number new names after).
    let dictionary = NameDictionary()
    /// The time expiry is decided by (tests set it).
    public let clock = ExpiryClock()

    /// This thread's facts of the stores it read lately.
    private let known = PerThread<RecentStores<(version: UInt64, facts: StoreFacts)>> { RecentStores() }
    private let lock = NSLock()
    /// Every store's facts, by store id's bytes, with the data version they hold at.
    private var shared: [ByteString: (facts: StoreFacts, version: UInt64)] = [:]

    public init() {}

    func snapshot<Reader: OrderedKeyValueReader>(store: String, in reader: Reader) throws(StoreError) -> KeyValueSnapshot<Reader> {
        let version = reader.version
        let facts = try known.withValue { known throws(StoreError) -> StoreFacts in
            let index = known.index(of: store)
            if let index, known[index].version == version {
                return known.use(index) { ($0.version, $0.facts.ownCopy()) }.facts
            }
            if index == nil, let found = lock.withLock({ shared[ByteString(store)] }), found.version == version {
                known.add(store, (found.version, found.facts))
                return found.facts
            }
            let number = try TupleTables.storeRecord(id: store, in: reader).number
            // Names grow from the thread's own (a store id names one store for life), else from the shared ones.
            let earlier = index.flatMap { known[$0].facts.number == number ? known[$0].facts.names : nil }
            let names: Names
            if let earlier {
                names = try NameDictionary.names(store: number, in: reader, after: earlier)
            } else {
                names = try dictionary.names(store: number, in: reader)
            }
            let facts = StoreFacts(
                number: number, revision: try TupleTables.revision(store: number, in: reader), names: names,
                nestedGroups: try NestedGroupIndex.isOn(store: number, in: reader),
                expiringNesting: try NestedGroupIndex.familiesWithExpiringNesting(store: number, in: reader),
                expires: try ExpiryQueue.holdsAny(store: number, in: reader))
            lock.withLock {
                if (shared[ByteString(store)]?.version ?? 0) <= version { shared[ByteString(store)] = (facts, version) }
            }
            // Grown from the thread's entry, the facts stay as own (or as shared) as it was.
            if let index { known.replace(index, with: (version, facts), keepingUses: true) } else { known.add(store, (version, facts)) }
            return facts
        }
        // With no expiring tuple in the store, no instant changes what the snapshot shows: the clock is not read.
        return KeyValueSnapshot(reader: reader, facts: facts, now: facts.expires ? clock.nowMilliseconds : 0)
    }
}

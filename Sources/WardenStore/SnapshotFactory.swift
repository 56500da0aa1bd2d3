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
/// soon as the data moves. Each thread keeps the facts of the stores it read lately (``KnownFacts``), found without
/// a lock; the facts of every store are also kept for all threads, under a lock, for a thread's first read of a
/// store. A thread that keeps reading a store's facts makes its own copy of them (``KnownFacts/ownCopyAfter``),
/// whose reference counts no other core writes. Shared by every backend; one per store instance.
public final class SnapshotFactory: @unchecked Sendable {
    /// The backend's interned names, per store (what writers number new names after).
    let dictionary = NameDictionary()
    /// The time expiry is decided by (tests set it).
    public let clock = ExpiryClock()

    /// This thread's facts of the stores it read lately.
    private let known = PerThread<KnownFacts> { KnownFacts() }
    private let lock = NSLock()
    /// Every store's facts, by store id's bytes, with the data version they hold at.
    private var shared: [ByteString: (facts: StoreFacts, version: UInt64)] = [:]

    public init() {}

    func snapshot<Reader: OrderedKeyValueReader>(store: String, in reader: Reader) throws(StoreError) -> KeyValueSnapshot<Reader> {
        let version = reader.version
        let facts = try known.withValue { known throws(StoreError) -> StoreFacts in
            let index = known.index(of: store)
            if let index, known.versions[index] == version { return known.use(index) }
            if index == nil, let found = lock.withLock({ shared[ByteString(store)] }), found.version == version {
                known.set(store, found.facts, version: version, at: nil)
                return found.facts
            }
            let number = try TupleTables.storeRecord(id: store, in: reader).number
            // Names grow from the thread's own (a store id names one store for life), else from the shared ones.
            let earlier = index.flatMap { known.facts[$0].number == number ? known.facts[$0].names : nil }
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
            known.set(store, facts, version: version, at: index)
            return facts
        }
        return KeyValueSnapshot(reader: reader, facts: facts, now: clock.nowMilliseconds)
    }
}

/// One thread's facts of the stores it read lately, by store id's bytes: a few, scanned. Held in parallel arrays
/// and with the thread's own copy of each id, so a lookup copies nothing another thread counts references on.
struct KnownFacts {
    /// Stores a thread keeps facts of before it forgets the least recently added.
    static let limit = 8
    /// Uses of facts shared with other threads before the thread makes its own copy.
    static let ownCopyAfter = 64
    private var stores: [String] = []
    private(set) var versions: [UInt64] = []
    private(set) var facts: [StoreFacts] = []
    /// Uses of shared facts so far; -1 once they are the thread's own.
    private var uses: [Int] = []
    private var next = 0

    func index(of store: String) -> Int? {
        var index = 0
        while index < stores.count {
            if stores[index].bytesEqual(store) { return index }
            index += 1
        }
        return nil
    }

    /// The facts at `index`, made the thread's own once used often enough.
    mutating func use(_ index: Int) -> StoreFacts {
        if uses[index] >= 0 {
            uses[index] += 1
            if uses[index] >= Self.ownCopyAfter {
                facts[index] = facts[index].ownCopy()
                uses[index] = -1
            }
        }
        return facts[index]
    }

    /// Records `facts` for `store` (at `index` when the thread knew the store): facts grown from the thread's own
    /// stay its own.
    mutating func set(_ store: String, _ facts: StoreFacts, version: UInt64, at index: Int?) {
        if let index {
            versions[index] = version
            self.facts[index] = facts
            return
        }
        let own = String(decoding: Array(store.utf8), as: UTF8.self)
        if stores.count < Self.limit {
            stores.append(own)
            versions.append(version)
            self.facts.append(facts)
            uses.append(0)
        } else {
            stores[next] = own
            versions[next] = version
            self.facts[next] = facts
            uses[next] = 0
            next = (next + 1) % Self.limit
        }
    }
}

import Foundation
import Synchronization
import WardenStore

/// A bounded cache of check outcomes shared across requests.
///
/// Keys hold the store, model id and the **store's revision**, so a write to the store (which moves its revision)
/// makes every older entry of that store unreachable: no stale "yes" survives a write, nothing needs invalidating,
/// and a write to one store leaves every other store's entries valid. Only outcomes free of cycles and
/// errors are stored, and requests with context or contextual tuples bypass the cache (their answers depend on
/// more than the key holds). Keys are structured values compared field by field, never concatenated strings.
///
/// The cache is split into shards by key hash, each with its own lock, so concurrent checks rarely wait on each
/// other; a full shard evicts with CLOCK (an entry used since the hand last passed gets another round), so
/// entries of old versions, no longer looked up, go first, and a full cache never empties itself.
///
/// `Sendable`; share one per process.
public final class CheckCache: @unchecked Sendable {
    /// Where an outcome is valid: one store and model, at one revision of the store (``TupleSnapshot/revision``,
    /// which every write to the store moves).
    struct Scope: Hashable {
        var store: PackedID
        var model: PackedID
        var version: UInt64

        init(store: String, model: PackedID, version: UInt64) {
            self.store = PackedID(store)
            self.model = model
            self.version = version
        }
    }

    /// An id of up to 31 bytes (every ULID) held in four words instead of a string: keys of concurrent checks
    /// then share no reference-counted storage, whose counts two cores would otherwise fight over on every lookup.
    /// Longer ids keep their string, compared by bytes all the same.
    struct PackedID: Hashable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var long: String?

        init(_ id: String) {
            let packed: (UInt64, UInt64, UInt64, UInt64)? = id.utf8.withContiguousStorageIfAvailable { bytes in
                guard bytes.count < 32 else { return nil }
                var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, UInt64(bytes.count) << 56)
                withUnsafeMutableBytes(of: &words) { raw in raw.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
                return words
            } ?? nil
            if let packed { words = packed } else { long = id }
        }

        static func == (lhs: PackedID, rhs: PackedID) -> Bool {
            lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
                && lhs.words.3 == rhs.words.3 && lhs.long == rhs.long
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
            if let long { hasher.combine(long) }
        }
    }

    struct Key: Hashable {
        var scope: Scope
        var problem: Subproblem
    }

    /// A key with its hash computed once, outside any lock: the shard is chosen by it, and the shard's dictionary
    /// hashes only this integer while the lock is held.
    struct HashedKey: Hashable {
        let key: Key
        let hash: Int

        init(_ key: Key) {
            self.key = key
            hash = key.hashValue
        }

        static func == (lhs: HashedKey, rhs: HashedKey) -> Bool { lhs.hash == rhs.hash && lhs.key == rhs.key }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    /// One lock's worth of the cache: a slot array swept by the CLOCK hand, and an index into it. The lock lives in
    /// the shard (a separately allocated lock sat in the same cache line as its neighbours', so two threads using
    /// two shards still fought over one line), and the shard ends in padding, so no two shards share a line.
    final class Shard: Sendable {
        private let state: Mutex<ShardState>
        private let padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

        init(capacity: Int) {
            state = Mutex(ShardState(capacity: capacity))
        }

        func outcome(for key: HashedKey, now: UInt64) -> Outcome? {
            state.withLock { $0.outcome(for: key, now: now) }
        }

        func store(_ outcome: Outcome, for key: HashedKey, until: UInt64) {
            state.withLock { $0.store(outcome, for: key, until: until) }
        }

        var statistics: (lookups: UInt64, hits: UInt64) { state.withLock { ($0.lookups, $0.hits) } }
        var count: Int { state.withLock { $0.keys.count } }
    }

    /// A shard's entries, guarded by its lock.
    struct ShardState: Sendable {
        let capacity: Int
        var index: [HashedKey: Int] = [:]
        var keys: [HashedKey] = []
        var outcomes: [Outcome] = []
        /// Per slot: the instant (milliseconds since 1970) from which the answer no longer holds (a tuple it may
        /// rest on expires then).
        var untils: [UInt64] = []
        var referenced: [Bool] = []
        var hand = 0
        var lookups: UInt64 = 0
        var hits: UInt64 = 0

        init(capacity: Int) {
            self.capacity = capacity
        }

        mutating func outcome(for key: HashedKey, now: UInt64) -> Outcome? {
            lookups &+= 1
            guard let slot = index[key], now < untils[slot] else { return nil }
            hits &+= 1
            // Marked only when not yet: a hit on a marked entry writes nothing more.
            if !referenced[slot] { referenced[slot] = true }
            return outcomes[slot]
        }

        mutating func store(_ outcome: Outcome, for key: HashedKey, until: UInt64) {
            if let slot = index[key] {
                outcomes[slot] = outcome
                untils[slot] = until
                referenced[slot] = true
                return
            }
            guard keys.count >= capacity else {
                index[key] = keys.count
                keys.append(key)
                outcomes.append(outcome)
                untils.append(until)
                referenced.append(false)
                return
            }
            // CLOCK: pass over entries used since the last sweep (clearing their mark), take the first unused.
            while referenced[hand] {
                referenced[hand] = false
                hand = (hand + 1) % capacity
            }
            index.removeValue(forKey: keys[hand])
            index[key] = hand
            keys[hand] = key
            outcomes[hand] = outcome
            untils[hand] = until
            hand = (hand + 1) % capacity
        }
    }

    private let shards: [Shard]
    /// The most entries kept, over all shards.
    public let capacity: Int

    /// - Parameters:
    ///   - capacity: entries kept over all shards (each shard holds an equal part).
    ///   - shards: lock domains; a power of two.
    public init(capacity: Int = 100_000, shards: Int = 64) {
        let count = max(1, shards)
        self.capacity = capacity
        self.shards = (0..<count).map { _ in Shard(capacity: max(1, capacity / count)) }
    }

    private func shard(_ key: HashedKey) -> Shard {
        shards[Int(UInt(bitPattern: key.hash) % UInt(shards.count))]
    }

    /// The answer cached for `problem`, unless a tuple it may rest on has expired by `now` (milliseconds since 1970).
    func outcome(for problem: Subproblem, in scope: Scope, now: UInt64) -> Outcome? {
        let key = HashedKey(Key(scope: scope, problem: problem))
        return shard(key).outcome(for: key, now: now)
    }

    /// Caches `outcome` until the instant `until` (milliseconds since 1970; `UInt64.max`: while the revision stands).
    func store(_ outcome: Outcome, for problem: Subproblem, in scope: Scope, until: UInt64) {
        precondition(!outcome.cycle && !outcome.dependsOnPath, "cycle-dependent outcomes must never be cached")
        let key = HashedKey(Key(scope: scope, problem: problem))
        shard(key).store(outcome, for: key, until: until)
    }

    /// Lookups so far and how many found an answer (the hit ratio is `hits / lookups`).
    public var statistics: (lookups: UInt64, hits: UInt64) {
        shards.reduce((lookups: UInt64(0), hits: UInt64(0))) { total, shard in
            let (lookups, hits) = shard.statistics
            return (total.lookups &+ lookups, total.hits &+ hits)
        }
    }

    /// The number of cached outcomes.
    public var count: Int { shards.reduce(0) { total, shard in total + shard.count } }
}

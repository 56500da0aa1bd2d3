import Foundation
import Synchronization
import WardenStore

/// A bounded cache of check outcomes shared across requests.
///
/// Keys hold the store, model id and the **store's revision**, so a write to the store (which moves its revision)
/// makes every older entry of that store unreachable: no stale "yes" survives a write, nothing needs invalidating,
/// and a write to one store leaves every other store's entries valid. Only outcomes free of cycles and
/// errors are stored, and requests with context or contextual tuples bypass the cache (their answers depend on
/// more than the key holds). A key is its scope and subproblem as bytes, every string length-prefixed (``KeyBytes``),
/// so keys are equal exactly when every id and name is byte-equal, as Go compares them.
///
/// The cache is split into shards by key hash, each with its own lock, so concurrent checks rarely wait on each
/// other; a full shard evicts with CLOCK (an entry used since the hand last passed gets another round), so
/// entries of old versions, no longer looked up, go first, and a full cache never empties itself.
///
/// `Sendable`; share one per process.
public final class CheckCache: @unchecked Sendable {
    /// One lock's worth of the cache. Shards lie in one allocation, each at its own multiple of 128 bytes, so no
    /// two shards' locks share a cache line, and a lookup reaches its shard without a reference count (shards as
    /// objects had theirs written by every lookup of every core).
    struct Shard: ~Copyable {
        let table: Mutex<Table>
    }

    private let shards: UnsafeMutableRawPointer
    private let shardCount: Int
    private static var shardStride: Int { (MemoryLayout<Shard>.size + 127) / 128 * 128 }
    /// The most entries kept, over all shards.
    public let capacity: Int

    /// - Parameters:
    ///   - capacity: entries kept over all shards (each shard holds an equal part).
    ///   - shards: lock domains.
    public init(capacity: Int = 100_000, shards: Int = 64) {
        shardCount = max(1, shards)
        self.capacity = capacity
        self.shards = UnsafeMutableRawPointer.allocate(byteCount: Self.shardStride * shardCount, alignment: 128)
        for number in 0..<shardCount {
            (self.shards + number * Self.shardStride).bindMemory(to: Shard.self, capacity: 1)
                .initialize(to: Shard(table: Mutex(Table(capacity: capacity / shardCount))))
        }
    }

    deinit {
        for number in 0..<shardCount { shard(number).deinitialize(count: 1) }
        shards.deallocate()
    }

    private func shard(_ number: Int) -> UnsafeMutablePointer<Shard> { Self.shard(number, in: shards) }

    private static func shard(_ number: Int, in shards: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Shard> {
        (shards + number * shardStride).assumingMemoryBound(to: Shard.self)
    }

    /// The shard of a key's hash: chosen by bits above those a table's index uses, which then spread within it.
    private static func shard(hash: Int, in shards: UnsafeMutableRawPointer, count: Int) -> UnsafeMutablePointer<Shard> {
        shard(Int((UInt(bitPattern: hash) >> 40) % UInt(count)), in: shards)
    }

    private static func hash(_ key: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: key)
        return hasher.finalize()
    }

    // The closures below capture the shards' address and count, not `self`: a closure holding the cache took a
    // reference count on it per lookup, written by every core.

    /// The answer cached for `problem`, unless a tuple it may rest on has expired by `now` (milliseconds since 1970).
    func outcome(for problem: Subproblem, in scope: Scope, now: UInt64) -> Outcome? {
        let (shards, count) = (shards, shardCount)
        return KeyBytes.with(scope, problem) { key in
            let hash = Self.hash(key)
            return Self.shard(hash: hash, in: shards, count: count).pointee.table.withLock { $0.outcome(for: key, hash: hash, now: now) }
        } ?? nil
    }

    /// Caches `outcome` until the instant `until` (milliseconds since 1970; `UInt64.max`: while the revision stands).
    func store(_ outcome: Outcome, for problem: Subproblem, in scope: Scope, until: UInt64) {
        precondition(!outcome.cycle && !outcome.dependsOnPath, "cycle-dependent outcomes must never be cached")
        let (shards, count) = (shards, shardCount)
        _ = KeyBytes.with(scope, problem) { key in
            let hash = Self.hash(key)
            Self.shard(hash: hash, in: shards, count: count).pointee.table.withLock { $0.store(outcome, for: key, hash: hash, until: until) }
        }
    }

    /// A figure of every shard's table, summed (each read under its shard's lock).
    private func summed<Figure: FixedWidthInteger & Sendable>(_ figure: (Table) -> Figure) -> Figure {
        (0..<shardCount).reduce(0) { total, number in total &+ shard(number).pointee.table.withLock { figure($0) } }
    }

    /// Lookups so far and how many found an answer (the hit ratio is `hits / lookups`).
    public var statistics: (lookups: UInt64, hits: UInt64) { (summed(\.lookups), summed(\.hits)) }

    /// The positions of the shards' indexes.
    var indexPositions: Int { summed(\.indexPositions) }

    /// The bytes the shards' arenas hold (keys in use, and replaced ones not yet compacted away).
    var arenaBytes: Int { summed(\.arenaBytes) }

    /// The number of cached outcomes.
    public var count: Int { summed(\.count) }
}

import Foundation
import WardenStore

/// A bounded cache of check outcomes shared across requests.
///
/// Keys hold the store, model id and **data version**, so a write (which moves the version) makes every older entry
/// unreachable: no stale "yes" survives a write, and nothing needs invalidating. Only outcomes free of cycles and
/// errors are stored, and requests with context or contextual tuples bypass the cache (their answers depend on
/// more than the key holds). Keys are structured values compared field by field, never concatenated strings.
///
/// `Sendable`; share one per process.
public final class CheckCache: @unchecked Sendable {
    /// Where an outcome is valid: one store and model, at one data version (``TupleSnapshot/version``, which
    /// every commit moves).
    struct Scope: Hashable {
        var store: String
        var model: String
        var version: UInt64
    }

    private struct Key: Hashable {
        var scope: Scope
        var problem: Subproblem
    }

    private let lock = NSLock()
    private var entries: [Key: Outcome] = [:]
    private var lookups: UInt64 = 0
    private var hits: UInt64 = 0
    /// The most entries kept; past it the cache starts over (old revisions go first in practice).
    public let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    func outcome(for problem: Subproblem, in scope: Scope) -> Outcome? {
        lock.withLock {
            lookups &+= 1
            let found = entries[Key(scope: scope, problem: problem)]
            if found != nil { hits &+= 1 }
            return found
        }
    }

    /// Lookups so far and how many found an answer (the hit ratio is `hits / lookups`).
    public var statistics: (lookups: UInt64, hits: UInt64) {
        lock.withLock { (lookups, hits) }
    }

    func store(_ outcome: Outcome, for problem: Subproblem, in scope: Scope) {
        precondition(!outcome.cycle && !outcome.dependsOnPath, "cycle-dependent outcomes must never be cached")
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(scope: scope, problem: problem)] = outcome
        }
    }

    /// The number of cached outcomes.
    public var count: Int { lock.withLock { entries.count } }
}

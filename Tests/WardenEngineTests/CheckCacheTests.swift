import Testing
import WardenModel

@testable import WardenEngine

/// The cross-request cache alone: bounded, evicting with CLOCK instead of emptying itself, and shared by threads.
@Suite("Check cache")
struct CheckCacheTests {
    static func problem(_ index: Int) -> Subproblem {
        Subproblem(object: ObjectRef(type: "doc", id: "d\(index)"), relation: "viewer", user: .object(ObjectRef(type: "user", id: "anne")))
    }

    static let scope = CheckCache.Scope(store: "s", model: CheckCache.PackedID("m"), version: 1)

    @Test("a packed id is equal exactly when the bytes are: every length to 31, and longer ids kept as strings")
    func packedIDs() {
        let ids = ["", "a", "a\u{0}", "01ARZ3NDEKTSV4RRFFQ69G5FAV", String(repeating: "x", count: 31), String(repeating: "x", count: 32),
                   String(repeating: "x", count: 33), "é", "e\u{301}"]
        for left in ids {
            for right in ids {
                #expect((CheckCache.PackedID(left) == CheckCache.PackedID(right)) == left.utf8.elementsEqual(right.utf8), "\(left.debugDescription) vs \(right.debugDescription)")
            }
        }
        #expect(CheckCache.PackedID(String(repeating: "x", count: 31)).long == nil)
        #expect(CheckCache.PackedID(String(repeating: "x", count: 32)).long != nil)
    }

    @Test("a full cache evicts one entry at a time, and an entry in use survives the sweep")
    func clockEviction() {
        let cache = CheckCache(capacity: 8, shards: 1)
        for index in 0..<8 { cache.store(.yes, for: Self.problem(index), in: Self.scope, until: .max) }
        #expect(cache.count == 8)
        // Entry 3 is used; the next insertions evict the unused ones, not it, and never empty the cache.
        for index in 8..<15 {
            #expect(cache.outcome(for: Self.problem(3), in: Self.scope, now: 0) == .yes)
            cache.store(.no, for: Self.problem(index), in: Self.scope, until: .max)
            #expect(cache.count == 8)
        }
        #expect(cache.outcome(for: Self.problem(3), in: Self.scope, now: 0) == .yes)
        #expect(cache.outcome(for: Self.problem(14), in: Self.scope, now: 0) == .no)
        #expect(cache.outcome(for: Self.problem(0), in: Self.scope, now: 0) == nil)
        let (lookups, hits) = cache.statistics
        #expect(lookups == 10)
        #expect(hits == 9)
    }

    @Test("another version is another key: nothing stale is served")
    func versionIsPartOfTheKey() {
        let cache = CheckCache(capacity: 64)
        cache.store(.yes, for: Self.problem(1), in: Self.scope, until: .max)
        #expect(cache.outcome(for: Self.problem(1), in: CheckCache.Scope(store: "s", model: CheckCache.PackedID("m"), version: 2), now: 0) == nil)
        #expect(cache.outcome(for: Self.problem(1), in: CheckCache.Scope(store: "t", model: CheckCache.PackedID("m"), version: 1), now: 0) == nil)
        #expect(cache.outcome(for: Self.problem(1), in: Self.scope, now: 0) == .yes)
    }

    @Test("an entry stored until an instant is served before it and not from it on (a tuple it rests on expires then)")
    func expiryBoundsAnEntry() {
        let cache = CheckCache(capacity: 64)
        cache.store(.yes, for: Self.problem(1), in: Self.scope, until: 1_000)
        #expect(cache.outcome(for: Self.problem(1), in: Self.scope, now: 999) == .yes)
        #expect(cache.outcome(for: Self.problem(1), in: Self.scope, now: 1_000) == nil)
        #expect(cache.outcome(for: Self.problem(1), in: Self.scope, now: 5_000) == nil)
        cache.store(.no, for: Self.problem(1), in: Self.scope, until: .max)
        #expect(cache.outcome(for: Self.problem(1), in: Self.scope, now: 5_000) == .no)
    }

    @Test("threads storing and reading at once keep the bound and every answer they read is one that was stored")
    func concurrentUse() async {
        let cache = CheckCache(capacity: 1_000, shards: 16)
        await withTaskGroup(of: Bool.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var consistent = true
                    for index in 0..<20_000 {
                        let problem = Self.problem((index * 7 + worker) % 3_000)
                        let expected: Outcome = (index * 7 + worker) % 3_000 % 2 == 0 ? .yes : .no
                        if let found = cache.outcome(for: problem, in: Self.scope, now: 0), found != expected { consistent = false }
                        cache.store(expected, for: problem, in: Self.scope, until: .max)
                    }
                    return consistent
                }
            }
            for await consistent in group { #expect(consistent) }
        }
        #expect(cache.count <= 1_000)
        #expect(cache.count > 900)
    }

    @Test("keys are equal exactly when store, model, version and every name and id are byte-equal")
    func keysCompareByBytes() {
        let object = ObjectRef(type: "doc", id: "a")
        let problems: [Subproblem] = [
            Subproblem(object: object, relation: "viewer", user: .object(ObjectRef(type: "user", id: "anne"))),
            // The same characters split differently between fields: length prefixes keep them apart.
            Subproblem(object: ObjectRef(type: "doca", id: ""), relation: "viewer", user: .object(ObjectRef(type: "user", id: "anne"))),
            Subproblem(object: object, relation: "viewer", user: .object(ObjectRef(type: "usera", id: "nne"))),
            // Canonically equivalent, different bytes.
            Subproblem(object: object, relation: "viewer", user: .object(ObjectRef(type: "user", id: "\u{E9}"))),
            Subproblem(object: object, relation: "viewer", user: .object(ObjectRef(type: "user", id: "e\u{301}"))),
            // One user's names under each kind.
            Subproblem(object: object, relation: "viewer", user: .wildcard(type: "user")),
            Subproblem(object: object, relation: "viewer", user: .userset(ObjectRef(type: "user", id: "anne"), relation: "member")),
            Subproblem(object: object, relation: "viewer", user: .userset(ObjectRef(type: "user", id: "anne"), relation: "")),
            // Ids past 15 bytes (heap strings) and long enough for the key to leave the stack.
            Subproblem(object: ObjectRef(type: "doc", id: "01ARZ3NDEKTSV4RRFFQ69G5FAV"), relation: "viewer", user: .wildcard(type: "user")),
            Subproblem(object: ObjectRef(type: "doc", id: String(repeating: "x", count: 5_000)), relation: "viewer", user: .wildcard(type: "user")),
        ]
        let long = String(repeating: "s", count: 40)
        let scopes = [
            Self.scope, CheckCache.Scope(store: "t", model: CheckCache.PackedID("m"), version: 1),
            CheckCache.Scope(store: "s", model: CheckCache.PackedID("n"), version: 1), CheckCache.Scope(store: "s", model: CheckCache.PackedID("m"), version: 2),
            CheckCache.Scope(store: long, model: CheckCache.PackedID("m"), version: 1), CheckCache.Scope(store: "", model: CheckCache.PackedID("m"), version: 1),
        ]
        let cache = CheckCache(capacity: 1_000, shards: 4)
        var entries: [(CheckCache.Scope, Subproblem, Outcome)] = []
        for (scopeIndex, scope) in scopes.enumerated() {
            for (problemIndex, problem) in problems.enumerated() {
                let outcome = Outcome(allowed: (scopeIndex + problemIndex) % 2 == 0, cycleBound: .max)
                entries.append((scope, problem, outcome))
                cache.store(outcome, for: problem, in: scope, until: .max)
            }
        }
        #expect(cache.count == scopes.count * problems.count)
        for (scope, problem, outcome) in entries { #expect(cache.outcome(for: problem, in: scope, now: 0) == outcome) }
        // Each key answers only for itself: flip one and every other keeps its own answer.
        let (scope, problem, outcome) = entries[3]
        cache.store(Outcome(allowed: !outcome.allowed), for: problem, in: scope, until: .max)
        for (index, entry) in entries.enumerated() {
            let expected = index == 3 ? Outcome(allowed: !outcome.allowed) : entry.2
            #expect(cache.outcome(for: entry.1, in: entry.0, now: 0) == expected)
        }
    }

    @Test("under steady eviction every held entry stays reachable, every answer is the last one stored, and replaced keys' bytes are reclaimed")
    func evictionKeepsTheIndexWhole() {
        var random = SystemRandomNumberGenerator()
        for capacity in [1, 7, 64] {
            let cache = CheckCache(capacity: capacity, shards: 1)
            var last: [Int: Outcome] = [:]
            for round in 0..<4_000 {
                let index = Int.random(in: 0..<(capacity * 6), using: &random)
                // Ids of very different lengths, so arena offsets and compaction are exercised.
                let problem = Subproblem(
                    object: ObjectRef(type: "doc", id: String(repeating: "d", count: index % 40) + "\(index)"), relation: "viewer",
                    user: .object(ObjectRef(type: "user", id: "u\(index)")))
                if Bool.random(using: &random) {
                    if let found = cache.outcome(for: problem, in: Self.scope, now: 0) { #expect(found == last[index], "round \(round)") }
                } else {
                    let outcome = Bool.random(using: &random) ? Outcome.yes : .no
                    cache.store(outcome, for: problem, in: Self.scope, until: .max)
                    last[index] = outcome
                    #expect(cache.outcome(for: problem, in: Self.scope, now: 0) == outcome)
                }
            }
            #expect(cache.count == min(capacity, last.count))
            // Every entry the table holds is found from its home position: as many keys answer as it holds.
            var reachable = 0
            for (index, outcome) in last {
                let problem = Subproblem(
                    object: ObjectRef(type: "doc", id: String(repeating: "d", count: index % 40) + "\(index)"), relation: "viewer",
                    user: .object(ObjectRef(type: "user", id: "u\(index)")))
                if let found = cache.outcome(for: problem, in: Self.scope, now: 0) {
                    #expect(found == outcome)
                    reachable += 1
                }
            }
            #expect(reachable == cache.count)
            // A key here is under 160 bytes: the arena holds the live keys plus at most as many replaced bytes, and
            // never less than 4 KiB of slack before compacting.
            #expect(cache.arenaBytes <= 2 * capacity * 160 + 4_096 + 160)
        }
    }

    @Test("a cache configured for a hundred million answers takes memory for the ones it holds, and finds them all")
    func indexGrowsWithEntries() {
        let cache = CheckCache(capacity: 100_000_000, shards: 64)
        #expect(cache.indexPositions == 64 * 16)
        for index in 0..<1_000 { cache.store(index % 2 == 0 ? .yes : .no, for: Self.problem(index), in: Self.scope, until: .max) }
        #expect(cache.count == 1_000)
        // Each shard's index is a power of two at least twice its entries: at most four times them, or 16.
        #expect(cache.indexPositions <= 64 * 16 + 4 * 1_000)
        for index in 0..<1_000 { #expect(cache.outcome(for: Self.problem(index), in: Self.scope, now: 0) == (index % 2 == 0 ? .yes : .no)) }
    }
}

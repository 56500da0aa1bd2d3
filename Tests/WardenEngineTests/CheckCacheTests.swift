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
}

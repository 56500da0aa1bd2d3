import Testing
import WardenStore

/// ``RecentStores``: entries by store id's bytes, the least recently added replaced past the limit, an entry made
/// the thread's own at its 64th use and never again.
@Suite("RecentStores")
struct RecentStoresTests {
    @Test("stores found by bytes; the ninth store replaces the first")
    func replacement() {
        var recent = RecentStores<Int>()
        for store in 0..<8 { recent.add("store-\(store)", store) }
        #expect((0..<8).map { recent.index(of: "store-\($0)").map { recent[$0] } } == Array(0..<8))
        // "é" as NFC and as NFD are two stores.
        recent.add("\u{E9}", 100)
        #expect(recent.index(of: "store-0") == nil)
        #expect(recent.index(of: "\u{E9}").map { recent[$0] } == 100)
        #expect(recent.index(of: "e\u{301}") == nil)
    }

    @Test("the 64th use makes the entry the thread's own, once; a replacement that does not keep its uses starts over")
    func ownCopy() {
        var recent = RecentStores<Int>()
        recent.add("s", 1)
        var copies = 0
        let seen = (0..<100).map { _ in recent.use(0) { copies += 1; return $0 + 1000 } }
        #expect(copies == 1)
        #expect(seen == Array(repeating: 1, count: 63) + Array(repeating: 1001, count: 37))
        recent.replace(0, with: 2, keepingUses: true)
        #expect((0..<100).map { _ in recent.use(0) { copies += 1; return $0 } }.allSatisfy { $0 == 2 } && copies == 1)
        recent.replace(0, with: 3, keepingUses: false)
        let again = (0..<64).map { _ in recent.use(0) { copies += 1; return $0 + 1000 } }
        #expect(copies == 2)
        #expect(again.last == 1003)
    }
}

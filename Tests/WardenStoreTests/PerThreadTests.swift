import Foundation
import Synchronization
import Testing
@testable import WardenStore

/// ``PerThread``: one value per thread and owner, evicted past the limit, released when its thread exits.
@Suite("PerThread")
struct PerThreadTests {
    /// Counts its instances alive.
    final class Tracked {
        static let alive = AtomicCounter()
        let thread: Int
        init(thread: Int) {
            self.thread = thread
            Self.alive.increment()
        }
        deinit { Self.alive.decrement() }
    }

    @Test("each thread keeps its own value; a second owner's values are separate")
    func separateValues() {
        let first = PerThread<Int> { 0 }
        let second = PerThread<Int> { 100 }
        let seen = Mutex<[Int: [Int]]>([:])
        let done = DispatchSemaphore(value: 0)
        for thread in 0..<4 {
            Thread {
                for _ in 0..<(thread + 1) * 10 {
                    first.withValue { $0 += 1 }
                    second.withValue { $0 += 2 }
                }
                let values = [first.withValue { $0 }, second.withValue { $0 }]
                seen.withLock { $0[thread] = values }
                done.signal()
            }.start()
        }
        for _ in 0..<4 { done.wait() }
        let expected = Dictionary(uniqueKeysWithValues: (0..<4).map { ($0, [($0 + 1) * 10, 100 + 2 * ($0 + 1) * 10]) })
        #expect(seen.withLock { $0 } == expected)
    }

    @Test("a thread keeps the values of its last 16 owners: the 17th evicts the first")
    func eviction() {
        let owners = (0..<17).map { index in PerThread<Int> { index } }
        for owner in owners { owner.withValue { $0 += 1000 } }
        // The 16 newest still hold their changed value; the first was evicted and starts again.
        #expect(owners[1...].allSatisfy { owner in owner.withValue { $0 } >= 1000 })
        #expect(owners[0].withValue { $0 } == 0)
    }

    @Test("a thread's values are released when the thread exits")
    func releasedOnExit() {
        let before = Tracked.alive.value
        let owner = PerThread<Tracked> { Tracked(thread: 0) }
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            owner.withValue { _ in }
            #expect(Tracked.alive.value == before + 1)
            done.signal()
        }
        thread.start()
        done.wait()
        // The key's destructor runs as the thread ends, just after the block returns.
        var waited = 0
        while Tracked.alive.value != before, waited < 2000 {
            usleep(1000)
            waited += 1
        }
        #expect(Tracked.alive.value == before)
    }
}

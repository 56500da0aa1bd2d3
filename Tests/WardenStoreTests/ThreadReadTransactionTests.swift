import Foundation
import Synchronization
import Testing
import WardenTestSupport
@testable import WardenStore

/// Reads on each thread's own transaction (``ThreadReadTransactions``): nested reads, reads while the map grows
/// under them, and environments closed while threads still hold their transactions.
@Suite("LMDB: each thread's own read transaction")
final class ThreadReadTransactionTests {
    /// The directories this test made, removed with the suite instance (one per test).
    private let directories = TemporaryDirectories("warden-thread-reads")

    @Test("a read nested in a read, and a write inside a read, see what they should")
    func nested() throws {
        let environment = try LMDBEnvironment(path: try directories.dataPath())
        let database = try environment.database(named: "test")
        try environment.write { try $0.put(Array("a".utf8), Array("1".utf8), in: database) }
        let seen = try environment.read { outer in
            // The inner read runs on a pooled transaction, beside the thread's own.
            let inner = try environment.read { try $0.get(Array("a".utf8), in: database) }
            try environment.write { try $0.put(Array("a".utf8), Array("2".utf8), in: database) }
            // The outer snapshot still sees the value from before the write.
            return (inner, try outer.get(Array("a".utf8), in: database))
        }
        #expect(seen.0 == Array("1".utf8))
        #expect(seen.1 == Array("1".utf8))
        #expect(try environment.read { try $0.get(Array("a".utf8), in: database) } == Array("2".utf8))
    }

    @Test("readers on four threads while the map doubles under them: every read answers, none waits forever")
    func readsDuringGrowth() throws {
        var configuration = LMDBEnvironment.Configuration()
        configuration.mapSize = 256 << 10
        let environment = try LMDBEnvironment(path: try directories.dataPath(), configuration: configuration)
        let database = try environment.database(named: "test")
        try environment.write { try $0.put(Array("fixed".utf8), Array("value".utf8), in: database) }
        let value = [UInt8](repeating: 7, count: 1024)
        let stop = AtomicFlag()
        let reads = AtomicCounter()
        let wrong = AtomicCounter()
        let group = DispatchGroup()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: group) {
                while !stop.isSet {
                    let found = try? environment.read { try $0.get(Array("fixed".utf8), in: database) }
                    if found != Array("value".utf8) { wrong.increment() }
                    reads.increment()
                }
            }
        }
        // The readers are running before the writes start.
        let started = ContinuousClock.now
        while reads.value < 1000, ContinuousClock.now - started < .seconds(10) { usleep(100) }
        let readsBefore = reads.value
        // 40 batches of 100 KiB: the 256 KiB map doubles several times while the readers run.
        for batch in 0..<40 {
            try environment.write { transaction in
                for index in 0..<100 { try transaction.put(Array("key-\(batch)-\(index)".utf8), value, in: database) }
            }
        }
        let readsAfter = reads.value
        stop.set()
        #expect(group.wait(timeout: .now() + 30) == .success)
        #expect(environment.mapSize >= 4 << 20)
        #expect(wrong.value == 0)
        #expect(readsBefore >= 1000)
        #expect(readsAfter > readsBefore, "reads went on while the map grew")
        #expect(try environment.read { try $0.count(of: database) } == 4001)
    }

    @Test("environments opened, read from several threads and closed 300 times: no reader slot is leaked")
    func closingWithThreadTransactions() throws {
        let path = try directories.dataPath()
        do {
            let environment = try LMDBEnvironment(path: path)
            let database = try environment.database(named: "test")
            try environment.write { try $0.put(Array("k".utf8), Array("v".utf8), in: database) }
        }
        var configuration = LMDBEnvironment.Configuration()
        // Fewer reader slots than environments × threads: a slot kept past its environment's close would run out.
        configuration.maximumReaders = 16
        for _ in 0..<300 {
            let environment = try LMDBEnvironment(path: path, configuration: configuration)
            let database = try environment.database(named: "test")
            let answers = AtomicCounter()
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                if (try? environment.read { try $0.get(Array("k".utf8), in: database) }) == Array("v".utf8) { answers.increment() }
            }
            #expect(answers.value == 4)
        }
    }
}

/// A counter threads share in a test.
final class AtomicCounter: Sendable {
    private let storage = Atomic<Int>(0)
    func increment() { storage.add(1, ordering: .relaxed) }
    func decrement() { storage.subtract(1, ordering: .relaxed) }
    var value: Int { storage.load(ordering: .relaxed) }
}

/// A flag one thread raises and others watch.
final class AtomicFlag: Sendable {
    private let storage = Atomic<Bool>(false)
    func set() { storage.store(true, ordering: .releasing) }
    var isSet: Bool { storage.load(ordering: .acquiring) }
}

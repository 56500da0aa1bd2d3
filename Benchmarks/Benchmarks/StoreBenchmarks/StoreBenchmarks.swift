import Benchmark
import Foundation
import WardenStore

/// Baselines for the tuple store: a raw LMDB point read on a warm 1M-key environment, with 40-byte keys.
let benchmarks: @Sendable () -> Void = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-lmdb").path
    try? FileManager.default.removeItem(atPath: path)
    let environment = try! LMDBEnvironment(path: path)
    let database = try! environment.database(named: "bench")
    let count = 1_000_000
    func key(_ index: Int) -> [UInt8] {
        var bytes = Array("document:\(index)#viewer@user:".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: max(0, 40 - bytes.count))
        return Array(bytes.prefix(40))
    }
    try! environment.write { transaction in
        for index in 0..<count { try transaction.put(key(index), [UInt8](), in: database) }
    }
    let keys = (0..<1024).map { _ in key(Int.random(in: 0..<count)) }

    Benchmark(
        "Raw LMDB get, 40-byte key, warm 1M keys",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, maxDuration: .seconds(3))
    ) { benchmark in
        try environment.read { transaction in
            var found = 0
            for iteration in benchmark.scaledIterations {
                found &+= try transaction.withValue(keys[iteration & 1023], in: database) { $0 == nil ? 0 : 1 }
            }
            blackHole(found)
        }
    }
}

import Benchmark
import Foundation
import WardenModel
import WardenStore

/// The tuple store on LMDB: a raw LMDB get (the floor), a tuple point read through `TupleStore` on a warm
/// 1M-tuple store, a 1M-tuple import written as API batches of 100k and as `warden tuple import` writes a file of
/// up to a million (one prepared batch), and the data file's size per million tuples after each.
let benchmarks: @Sendable () -> Void = {
    let count = 1_000_000
    let tuples: [RelationshipTuple] = (0..<count).map { index in
        RelationshipTuple(
            TupleKey(
                object: ObjectRef(type: "document", id: "doc-\(index)"), relation: "viewer",
                user: .object(ObjectRef(type: "user", id: "user-\(index % 10_000)"))))
    }

    // Baseline: a raw LMDB point read of a 40-byte key in a warm 1M-key environment.
    let rawPath = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-lmdb").path
    try? FileManager.default.removeItem(atPath: rawPath)
    let environment = try! LMDBEnvironment(path: rawPath)
    let database = try! environment.database(named: "bench")
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

    // The product path: a tuple store holding 1M tuples.
    let storePath = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-store").path
    try? FileManager.default.removeItem(atPath: storePath)
    let store = try! LMDBTupleStore(path: storePath)
    let storeID = try! store.createStore(name: "bench").id
    for start in stride(from: 0, to: count, by: 100_000) {
        try! store.write(WriteBatch(writes: Array(tuples[start..<start + 100_000])), store: storeID)
    }
    let probes = (0..<1024).map { _ in tuples[Int.random(in: 0..<count)].key }

    Benchmark(
        "Tuple point read (read snapshot + exact tuple), warm 1M-tuple store",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, maxDuration: .seconds(3))
    ) { benchmark in
        for iteration in benchmark.scaledIterations {
            let found = try store.read(store: storeID) { snapshot in try snapshot.tuple(probes[iteration & 1023]) }
            blackHole(found)
        }
    }

    Benchmark(
        "Tuple point read inside one snapshot, warm 1M-tuple store",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, maxDuration: .seconds(3))
    ) { benchmark in
        try store.read(store: storeID) { snapshot in
            for iteration in benchmark.scaledIterations {
                blackHole(try snapshot.tuple(probes[iteration & 1023]))
            }
        }
    }

    /// Writes the 1M tuples into a new store by `write`, recording the rate and the data file's size per 1M tuples.
    func importBenchmark(_ name: String, _ write: @escaping @Sendable (LMDBTupleStore, String) throws -> Void) {
        let rate = BenchmarkMetric.custom("tuples/s", polarity: .prefersLarger, useScalingFactor: false)
        let size = BenchmarkMetric.custom("data MB per 1M tuples", useScalingFactor: false)
        Benchmark(
            name, configuration: .init(metrics: [.wallClock, rate, size], timeUnits: .milliseconds, maxDuration: .seconds(60), maxIterations: 3)
        ) { benchmark in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-import-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let target = try LMDBTupleStore(path: path)
            let id = try target.createStore(name: "import").id
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            try write(target, id)
            benchmark.stopMeasurement()
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            benchmark.measurement(rate, Int(Double(count) / seconds))
            let bytes = (try FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int) ?? 0
            benchmark.measurement(size, bytes / 1_000_000)
        }
    }

    importBenchmark("Import 1M tuples (batches of 100k, validated keys, changelog)") { target, id in
        for offset in stride(from: 0, to: count, by: 100_000) {
            try target.write(WriteBatch(writes: Array(tuples[offset..<offset + 100_000])), store: id)
        }
    }

    importBenchmark("Import 1M tuples in one prepared batch (as `warden tuple import` writes a file of up to 1M)") { target, id in
        try target.apply(try target.prepare(WriteBatch(writes: tuples), store: id), store: id)
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Warden
import WardenStore
import WardenWire
import WardenModel

/// Runs a ``BenchWorkload`` against any OpenFGA-compatible server over HTTP (`warden serve`, or OpenFGA itself):
/// creates a store, writes the model and the tuples as a client would (100 per request), then sends the request
/// mix over at most `connections` keep-alive connections.
///
/// Closed loop (no `rate`): `connections` senders, each sending its next request when the last one answers; a
/// request's latency is from its send to its answer. Open loop (`rate`): requests are due at a constant rate
/// whatever the answers do, and a request's latency runs from when it was *due*, so time spent queueing behind a
/// slow server counts (a closed loop hides it: it stops sending while the server stalls — coordinated omission).
public struct HTTPBenchRunner: Sendable {
    public var baseURL: URL
    public var apiKey: String?
    public var connections: Int
    /// Requests per second, open loop; nil for a closed loop.
    public var rate: Double?
    /// Most requests left waiting in an open loop before new ones are counted as `client_overloaded` instead.
    public var maximumOutstanding = 10_000

    /// A store of the server that already holds the data; nil to create one and write the workload's.
    public var store: String?

    public init(baseURL: URL, apiKey: String? = nil, connections: Int = 8, rate: Double? = nil) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.connections = connections
        self.rate = rate
    }

    /// - Throws: ``BenchFailure`` when the workload has no requests; the server's ``WireError`` when it refuses
    ///   the store, model or tuples.
    public func run(
        _ workload: BenchWorkload, options: BenchOptions, progress: (@Sendable (Int, Double) -> Void)? = nil
    ) async throws -> BenchReport {
        guard !workload.requests.isEmpty else { throw BenchFailure(description: "the workload has no requests") }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let report = try await measure(workload, options, WardenClient(baseURL: baseURL, apiKey: apiKey, httpClient: http), progress)
            try await http.shutdown()
            return report
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func measure(
        _ workload: BenchWorkload, _ options: BenchOptions, _ client: WardenClient, _ progress: (@Sendable (Int, Double) -> Void)?
    ) async throws -> BenchReport {
        let store: String
        if let existing = self.store {
            store = existing
        } else {
            guard let model = workload.model else { throw BenchFailure(description: "the workload has no model to write") }
            store = try await client.createStore(name: "bench").id
            _ = try await client.writeModel(model, store: store)
            for start in stride(from: 0, to: workload.tuples.count, by: OpenFGAAPI.maximumWrites) {
                let batch = Array(workload.tuples[start..<min(start + OpenFGAAPI.maximumWrites, workload.tuples.count)])
                try await client.write(WriteBatch(writes: batch, onDuplicate: .ignore), store: store)
            }
        }
        let mix = BenchMix(workload.requests)
        if options.warmup > .zero {
            _ = await phase(workload.requests, mix, client, store, until: .now + options.warmup, budget: nil, progress: nil)
        }
        let start = ContinuousClock.now
        let deadline: ContinuousClock.Instant? = options.requests == nil ? start + options.duration : nil
        let recorders = await phase(workload.requests, mix, client, store, until: deadline, budget: options.requests, progress: progress)
        let seconds = (ContinuousClock.now - start).inSeconds
        let loop = rate.map { "open loop at \(Int($0)) requests/s" } ?? "closed loop"
        return BenchReport(
            workload: workload, target: "\(baseURL.absoluteString), \(loop), \(connections) connection\(connections == 1 ? "" : "s")",
            threads: connections, cache: options.cache, seconds: seconds, recorders: recorders, cacheHitRatio: nil,
            machine: BenchRunner.machine)
    }

    private func phase(
        _ requests: [BenchWorkload.Request], _ mix: BenchMix, _ client: WardenClient, _ store: String,
        until deadline: ContinuousClock.Instant?, budget: Int?, progress: (@Sendable (Int, Double) -> Void)?
    ) async -> [BenchRecorder] {
        if let rate { return await openLoop(requests, mix, client, store, rate: rate, until: deadline, budget: budget, progress: progress) }
        let sent = Counter()
        let start = ContinuousClock.now
        return await withTaskGroup(of: BenchRecorder.self) { group in
            for sender in 0..<max(1, connections) {
                group.addTask {
                    let recorder = BenchRecorder(mix: mix)
                    var index = (requests.count / max(1, connections)) * sender
                    var lastReport = start
                    while true {
                        let number = sent.value.add(1, ordering: .relaxed).newValue
                        if let budget, number > budget { break }
                        index = index == requests.count - 1 ? 0 : index + 1
                        let before = ContinuousClock.now
                        if let deadline, before >= deadline { break }
                        if let code = await Self.send(requests[index], client, store) { recorder.fail(code) }
                        let after = ContinuousClock.now
                        recorder.record(request: index, nanoseconds: (after - before).nanoseconds)
                        if sender == 0, let progress, after - lastReport >= .milliseconds(200) {
                            lastReport = after
                            progress(sent.value.load(ordering: .relaxed), (after - start).inSeconds)
                        }
                    }
                    return recorder
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    private func openLoop(
        _ requests: [BenchWorkload.Request], _ mix: BenchMix, _ client: WardenClient, _ store: String, rate: Double,
        until deadline: ContinuousClock.Instant?, budget: Int?, progress: (@Sendable (Int, Double) -> Void)?
    ) async -> [BenchRecorder] {
        let recorder = SharedRecorder(BenchRecorder(mix: mix))
        let outstanding = Counter()
        let interval = Duration.nanoseconds(Int64((1e9 / max(rate, 0.001)).rounded()))
        let start = ContinuousClock.now
        let limit = maximumOutstanding
        await withTaskGroup(of: Void.self) { group in
            var number = 0
            var lastReport = start
            while true {
                if let budget, number >= budget { break }
                let due = start + interval * number
                if let deadline, due >= deadline { break }
                try? await Task.sleep(until: due, clock: .continuous)
                let index = number % requests.count
                number += 1
                if let progress, due - lastReport >= .milliseconds(200) {
                    lastReport = due
                    progress(number, (due - start).inSeconds)
                }
                guard outstanding.value.add(1, ordering: .relaxed).newValue <= limit else {
                    outstanding.value.subtract(1, ordering: .relaxed)
                    recorder.withLock { $0.fail("client_overloaded") }
                    continue
                }
                group.addTask {
                    let code = await Self.send(requests[index], client, store)
                    let after = ContinuousClock.now
                    outstanding.value.subtract(1, ordering: .relaxed)
                    recorder.withLock { recorder in
                        if let code { recorder.fail(code) }
                        recorder.record(request: index, nanoseconds: (after - due).nanoseconds)
                    }
                }
            }
        }
        return [recorder.withLock { $0 }]
    }

    /// A count shared by concurrent senders.
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// One recorder for every request task of an open loop, behind a lock.
    private final class SharedRecorder: Sendable {
        private let recorder: Mutex<BenchRecorder>

        init(_ recorder: BenchRecorder) {
            self.recorder = Mutex(recorder)
        }

        func withLock<Result: Sendable>(_ body: (BenchRecorder) -> Result) -> Result {
            recorder.withLock { body($0) }
        }
    }

    /// Sends one request; the error's code when it failed.
    private static func send(_ request: BenchWorkload.Request, _ client: WardenClient, _ store: String) async -> String? {
        do {
            switch request {
            case .check(let check): _ = try await client.check(check, store: store)
            case .listObjects(let list): _ = try await client.listObjects(list, store: store)
            case .listUsers(let list): _ = try await client.listUsers(list, store: store)
            }
            return nil
        } catch let error as WireError {
            return error.code
        } catch {
            return "\(type(of: error))"
        }
    }
}

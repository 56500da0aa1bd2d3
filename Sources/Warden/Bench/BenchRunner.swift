import Dispatch
import Foundation
import WardenEngine
import WardenModel
import WardenStore

/// How long and how hard `warden bench` runs.
public struct BenchOptions: Sendable {
    /// Threads sending requests at once, each as fast as its answers come (closed loop).
    public var threads = 1
    /// Time spent sending requests before measuring (answers warm the cache and the pages).
    public var warmup: Duration = .seconds(1)
    /// Length of the timed phase; ignored when ``requests`` is set.
    public var duration: Duration = .seconds(5)
    /// A fixed number of timed requests instead of a duration.
    public var requests: Int?
    /// Whether the cross-request check cache is on (as it is in `warden serve`).
    public var cache = true

    public init() {}
}

/// A benchmark failed before measuring: the workload could not be loaded into the store.
public struct BenchFailure: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// Runs a ``BenchWorkload`` against the embedded engine on a real LMDB store: loads the model and tuples into a
/// fresh store in `dataDirectory`, sends the request mix from ``BenchOptions/threads`` threads (each starting at
/// its own place in the mix), first for the warm-up and then timed, and records each answer's latency, from just
/// before the call to just after it, in per-thread HDR histograms merged at the end, and the processor time each
/// sending thread ran.
public struct BenchRunner: Sendable {
    public let options: BenchOptions

    public init(options: BenchOptions) {
        self.options = options
    }

    /// - Parameter progress: called about every 200 ms of the timed phase with the requests answered so far and
    ///   the seconds elapsed.
    /// - Throws: ``BenchFailure`` when the workload has no requests or its tuples or model do not load.
    /// - Parameter store: a store of `dataDirectory` that already holds its model and tuples; nil to load the
    ///   workload's into a new one.
    public func run(
        _ workload: BenchWorkload, dataDirectory: String, store existing: String? = nil,
        progress: (@Sendable (Int, Double) -> Void)? = nil
    ) throws -> BenchReport {
        guard !workload.requests.isEmpty else { throw BenchFailure(description: "the workload has no requests") }
        var configuration = Warden.Configuration()
        if !options.cache { configuration.cacheCapacity = 0 }
        let warden = try Warden(dataDirectory: dataDirectory, configuration: configuration)
        let store: String
        if let existing {
            store = try warden.resolveStore(existing).id
        } else {
            guard let model = workload.model else { throw BenchFailure(description: "the workload has no model to load") }
            store = try warden.createStore(name: "bench").id
            _ = try warden.writeModel(model, store: store)
            do {
                try warden.importTuples(workload.tuples, store: store, onDuplicate: .ignore)
            } catch {
                throw BenchFailure(description: "the workload's tuples do not load: \(error)")
            }
        }

        let threads = max(1, options.threads)
        if options.warmup > .zero {
            _ = phase(warden, store, workload.requests, threads: threads, until: .now + options.warmup, budget: nil, progress: nil)
        }
        let lookupsBefore = warden.engine.cache?.statistics
        let start = ContinuousClock.now
        let deadline: ContinuousClock.Instant? = options.requests == nil ? start + options.duration : nil
        let recorders = phase(warden, store, workload.requests, threads: threads, until: deadline, budget: options.requests, progress: progress)
        let seconds = (ContinuousClock.now - start).inSeconds
        var hitRatio: Double?
        if let before = lookupsBefore, let after = warden.engine.cache?.statistics, after.lookups > before.lookups {
            hitRatio = Double(after.hits - before.hits) / Double(after.lookups - before.lookups)
        }
        return BenchReport(
            workload: workload, target: "in-process", threads: threads, cache: options.cache, seconds: seconds,
            recorders: recorders, cacheHitRatio: hitRatio, machine: Self.machine)
    }

    /// The processor count and operating system, for a report.
    public static var machine: String {
        "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.operatingSystemVersionString)"
    }

    /// Sends requests from `threads` threads until `deadline` passes or `budget` requests have been sent.
    private func phase(
        _ warden: Warden, _ store: String, _ requests: [BenchWorkload.Request], threads: Int,
        until deadline: ContinuousClock.Instant?, budget: Int?, progress: (@Sendable (Int, Double) -> Void)?
    ) -> [BenchRecorder] {
        let mix = BenchMix(requests)
        let recorders = (0..<threads).map { _ in BenchRecorder(mix: mix) }
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let recorder = recorders[thread]
            // Each thread its own copy of the store id, as each request of a real client carries its own: one string
            // shared by all threads would have its reference count written by every request on every core.
            let store = Self.ownCopy(store)
            // And its own copies of the requests' names and ids: threads cycling through the same request values would
            // each write the reference counts of strings the other just wrote, which no server's requests share.
            let requests = requests.map(Self.ownCopy)
            // Each thread its own share of the budget and its own count (a shared counter was a write to one cache
            // line per request from every core); progress counts thread 0's requests once per thread.
            let share = budget.map { $0 / threads + (thread < $0 % threads ? 1 : 0) }
            var sent = 0
            var index = (requests.count / threads) * thread
            var lastReport = start
            let cpuStart = ThreadCPUTime.nanoseconds
            defer { recorder.cpuNanoseconds = ThreadCPUTime.nanoseconds - cpuStart }
            while true {
                if let share, sent >= share { break }
                sent += 1
                index = index == requests.count - 1 ? 0 : index + 1
                let before = ContinuousClock.now
                if let deadline, before >= deadline { break }
                Self.send(requests[index], to: warden, store: store, recorder)
                let after = ContinuousClock.now
                recorder.record(request: index, nanoseconds: (after - before).nanoseconds)
                if thread == 0, let progress, after - lastReport >= .milliseconds(200) {
                    lastReport = after
                    progress(sent * threads, (after - start).inSeconds)
                }
            }
        }
        return recorders
    }

    /// A string with storage of its own (equal bytes, no shared buffer).
    private static func ownCopy(_ string: String) -> String { String(decoding: Array(string.utf8), as: UTF8.self) }

    private static func ownCopy(_ object: ObjectRef) -> ObjectRef { ObjectRef(type: ownCopy(object.type), id: ownCopy(object.id)) }

    private static func ownCopy(_ user: UserRef) -> UserRef {
        switch user {
        case .object(let object): .object(ownCopy(object))
        case .wildcard(let type): .wildcard(type: ownCopy(type))
        case .userset(let object, let relation): .userset(ownCopy(object), relation: ownCopy(relation))
        }
    }

    /// A request with its own copies of its names and ids (context and contextual tuples as they are: the
    /// workload's requests carry none).
    private static func ownCopy(_ request: BenchWorkload.Request) -> BenchWorkload.Request {
        switch request {
        case .check(var check):
            check.user = ownCopy(check.user)
            check.relation = ownCopy(check.relation)
            check.object = ownCopy(check.object)
            return .check(check)
        case .listObjects(var list):
            list.user = ownCopy(list.user)
            list.relation = ownCopy(list.relation)
            list.objectType = ownCopy(list.objectType)
            return .listObjects(list)
        case .listUsers(var list):
            list.object = ownCopy(list.object)
            list.relation = ownCopy(list.relation)
            list.filters = list.filters.map { filter in
                var filter = filter
                filter.type = ownCopy(filter.type)
                filter.relation = filter.relation.map(ownCopy)
                return filter
            }
            return .listUsers(list)
        }
    }

    /// Answers one request, counting a check's walk depth or the failure's code.
    private static func send(_ request: BenchWorkload.Request, to warden: Warden, store: String, _ recorder: BenchRecorder) {
        do {
            switch request {
            case .check(let check): recorder.walked(depth: try warden.check(check, store: store).depth)
            case .listObjects(let list): _ = try warden.listObjects(list, store: store)
            case .listUsers(let list): _ = try warden.listUsers(list, store: store)
            }
        } catch let error as CheckError {
            recorder.fail("\(error.code)")
        } catch {
            recorder.fail("\(type(of: error))")
        }
    }
}

import Histogram

/// The labels of a request mix (`check document#viewer`), each request's label by position, and each label's
/// kind: what the timed loop indexes, so it does no grouping of its own.
public struct BenchMix: Sendable {
    public private(set) var labels: [String] = []
    public private(set) var kinds: [String] = []
    public private(set) var labelOfRequest: [Int] = []

    public init(_ requests: [BenchWorkload.Request]) {
        var positions: [String: Int] = [:]
        for request in requests {
            let label = request.label
            if positions[label] == nil {
                positions[label] = labels.count
                labels.append(label)
                kinds.append(request.kind)
            }
            labelOfRequest.append(positions[label]!)
        }
    }
}

/// What one sender measured: an HDR histogram of latencies (nanoseconds, 3 significant digits, up to 100 s) per
/// label of the mix, and its failures by error code. Owned by one thread or task at a time; merged at the end.
public final class BenchRecorder: @unchecked Sendable {
    let mix: BenchMix
    var byLabel: [Histogram<UInt64>]
    var errors: [String: Int] = [:]
    /// Walk depths of the answered checks, summed, and how many (in process only).
    var depths = (total: 0, checks: 0)
    /// The processor time its thread ran while sending (in process only).
    var cpuNanoseconds: Int64 = 0

    public init(mix: BenchMix) {
        self.mix = mix
        byLabel = mix.labels.map { _ in Self.histogram() }
    }

    /// Records the latency of the request at `index` of the mix.
    @inline(__always)
    public func record(request index: Int, nanoseconds: Int64) {
        _ = byLabel[mix.labelOfRequest[index]].record(UInt64(clamping: nanoseconds))
    }

    /// Counts an answered check's walk depth (0: answered on the object itself, or from the cache).
    public func walked(depth: Int) {
        depths.total += depth
        depths.checks += 1
    }

    /// Counts a failed request by its error code.
    public func fail(_ code: String) {
        errors[code, default: 0] += 1
    }

    static func histogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: 100_000_000_000, numberOfSignificantValueDigits: .three)
    }
}

extension BenchReport {
    /// The report of a timed phase: the recorders merged by kind and by label, throughput over `seconds`, and the
    /// processor time their threads ran (none measured over HTTP, where senders are tasks).
    public init(
        workload: BenchWorkload, target: String, threads: Int, cache: Bool, seconds: Double, recorders: [BenchRecorder],
        cacheHitRatio: Double?, machine: String
    ) {
        var kinds: [String: Histogram<UInt64>] = [:]
        var relations: [String: Histogram<UInt64>] = [:]
        var errors: [String: Int] = [:]
        for recorder in recorders {
            for (index, histogram) in recorder.byLabel.enumerated() where histogram.totalCount > 0 {
                kinds[recorder.mix.kinds[index], default: BenchRecorder.histogram()].add(histogram)
                relations[recorder.mix.labels[index], default: BenchRecorder.histogram()].add(histogram)
            }
            errors.merge(recorder.errors, uniquingKeysWith: +)
        }
        let depths = recorders.reduce((total: 0, checks: 0)) { ($0.total + $1.depths.total, $0.checks + $1.depths.checks) }
        let requests = kinds.values.reduce(0) { $0 + Int($1.totalCount) }
        let cpuNanoseconds = recorders.reduce(0) { $0 + $1.cpuNanoseconds }
        self.init(
            workload: workload.description, target: target, threads: threads, cache: cache, requests: requests,
            seconds: seconds, throughput: seconds > 0 ? Double(requests) / seconds : 0,
            kinds: kinds.mapValues(Latency.init), relations: relations.mapValues(Latency.init), errors: errors,
            cacheHitRatio: cacheHitRatio, meanCheckDepth: depths.checks > 0 ? Double(depths.total) / Double(depths.checks) : nil,
            machine: machine,
            cpuSeconds: cpuNanoseconds > 0 ? Double(cpuNanoseconds) / 1e9 : nil)
    }
}

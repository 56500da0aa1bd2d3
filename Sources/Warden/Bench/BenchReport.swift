import Foundation
import Histogram

/// What one `warden bench` run measured: throughput over the whole timed phase, latency percentiles per request
/// kind and per (kind, type, relation), errors by code, and the check cache's hit ratio. `Codable`: `--json` writes
/// it, and `--baseline` reads an earlier one back to compare.
public struct BenchReport: Codable, Sendable, Equatable {
    /// Latency of one group of requests, in microseconds, from an HDR histogram (3 significant digits).
    public struct Latency: Codable, Sendable, Equatable {
        public var count: Int
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
        public var mean: Double
        /// The percentile curve: (percentile, µs) from 0 to 100, denser towards the tail.
        public var curve: [Point]
        /// The distribution: requests per latency band, bands doubling from 1 µs.
        public var distribution: [Band]

        /// A point of the percentile curve.
        public struct Point: Codable, Sendable, Equatable {
            public var percentile: Double
            public var microseconds: Double
        }

        /// Requests whose latency fell at or below `upTo` µs and above the previous band's.
        public struct Band: Codable, Sendable, Equatable {
            public var upTo: Double
            public var count: Int
        }

        init(_ histogram: Histogram<UInt64>) {
            func microseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1_000 }
            count = Int(histogram.totalCount)
            p50 = microseconds(histogram.valueAtPercentile(50))
            p90 = microseconds(histogram.valueAtPercentile(90))
            p99 = microseconds(histogram.valueAtPercentile(99))
            p999 = microseconds(histogram.valueAtPercentile(99.9))
            max = microseconds(histogram.max)
            mean = histogram.mean / 1_000
            curve = histogram.percentiles(ticksPerHalfDistance: 4).map {
                Point(percentile: $0.percentileLevelIteratedTo, microseconds: microseconds($0.value))
            }
            distribution = histogram.logarithmicBucketValues(valueUnitsInFirstBucket: 1_000, logBase: 2).map {
                Band(upTo: microseconds($0.value), count: Int($0.countAddedInThisIterationStep))
            }
        }
    }

    /// Where the workload came from and what it holds.
    public var workload: String
    /// `in-process` (the embedded engine on LMDB).
    public var target: String
    public var threads: Int
    public var cache: Bool
    /// Requests answered in the timed phase (warm-up excluded), errors included.
    public var requests: Int
    /// Wall-clock length of the timed phase, in seconds.
    public var seconds: Double
    /// `requests / seconds`.
    public var throughput: Double
    /// By request kind: `check`, `list-objects`, `list-users`.
    public var kinds: [String: Latency]
    /// By kind, type and relation: `check document#viewer`.
    public var relations: [String: Latency]
    /// Failed requests by error code (`resolutionTooComplex`, `validation`, …).
    public var errors: [String: Int]
    /// Cache hits over cache lookups in the timed phase; nil without the cache, over HTTP, or when no check
    /// consulted it (a relation of direct tuples alone is never cached).
    public var cacheHitRatio: Double?
    /// The mean depth of the answered checks' walks (userset and tuple-to-userset hops; 0 for an answer from the
    /// cache); nil over HTTP, where the server does not say.
    public var meanCheckDepth: Double?
    /// The machine: processor count and operating system.
    public var machine: String
    /// The processor time the sending threads ran in the timed phase, in seconds (in process only): `requests /
    /// cpuSeconds` is the rate per core the code reaches, whatever share of the machine it was given.
    public var cpuSeconds: Double?

    /// A fixed-width table of the figures, for the terminal.
    public var table: String {
        func format(_ value: Double) -> String { String(format: value < 100 ? "%.2f" : "%.0f", value) }
        var lines = [
            "workload: \(workload)",
            "target: \(target)"
                + (target == "in-process" ? ", \(threads) thread\(threads == 1 ? "" : "s"), cache \(cache ? "on" : "off")" : "")
                + "; \(machine)",
            String(format: "%d requests in %.2f s: %.0f requests/s", requests, seconds, throughput),
        ]
        if let cpuSeconds, cpuSeconds > 0 {
            lines.append(String(format: "senders' CPU time: %.2f s, %.0f requests per CPU-second", cpuSeconds, Double(requests) / cpuSeconds))
        }
        if let cacheHitRatio {
            lines.append(String(format: "cache hit ratio: %.1f%%", cacheHitRatio * 100))
        } else if cache, target == "in-process" {
            lines.append("cache hit ratio: none consulted (a relation of direct tuples alone is answered by its point reads)")
        }
        if let meanCheckDepth { lines.append(String(format: "mean check depth: %.2f", meanCheckDepth)) }
        let header = ["latency (µs)", "count", "p50", "p90", "p99", "p99.9", "max"]
        var rows: [[String]] = []
        for (name, latency) in kinds.sorted(by: { $0.key < $1.key }) + relations.sorted(by: { $0.key < $1.key }) {
            rows.append([name, "\(latency.count)"] + [latency.p50, latency.p90, latency.p99, latency.p999, latency.max].map(format))
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func render(_ row: [String]) -> String {
            row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        lines.append(render(header))
        lines += rows.map(render)
        for (code, count) in errors.sorted(by: { $0.key < $1.key }) { lines.append("errors: \(count) \(code)") }
        return lines.joined(separator: "\n")
    }

    /// Per request kind both reports hold, this report's percentiles over `other`'s, as a table (`2.40×`: this
    /// target took 2.4 times as long).
    public func ratios(to other: BenchReport) -> String {
        let header = ["\(target) / \(other.target)", "p50", "p90", "p99", "p99.9", "max"]
        var rows: [[String]] = []
        for (kind, now) in kinds.sorted(by: { $0.key < $1.key }) {
            guard let then = other.kinds[kind] else { continue }
            let pairs = [(now.p50, then.p50), (now.p90, then.p90), (now.p99, then.p99), (now.p999, then.p999), (now.max, then.max)]
            rows.append([kind] + pairs.map { String(format: "%.2f×", $0 / Swift.max($1, 0.001)) })
        }
        return rows.map { $0.joined(separator: "  ") }.reduce(header.joined(separator: "  ")) { $0 + "\n" + $1 }
    }

    /// The request kinds whose p50 or p99 got worse than `baseline`'s by more than `maximum` (0.1 is 10%), each as
    /// a sentence naming the kind, the percentile and both figures. Kinds only one report has are not compared.
    public func regressions(against baseline: BenchReport, maximum: Double) -> [String] {
        var found: [String] = []
        for (kind, now) in kinds.sorted(by: { $0.key < $1.key }) {
            guard let before = baseline.kinds[kind] else { continue }
            for (name, current, earlier) in [("p50", now.p50, before.p50), ("p99", now.p99, before.p99)]
            where current > earlier * (1 + maximum) {
                let above = String(format: "%.0f", (current / earlier - 1) * 100)
                found.append(
                    "\(kind) \(name) is \(String(format: "%.2f", current)) µs, \(above)% above the baseline's "
                        + "\(String(format: "%.2f", earlier)) µs (allowed: \(String(format: "%.0f", maximum * 100))%)")
            }
        }
        return found
    }
}

import Foundation
import Prometheus
import WardenEngine

/// The server's Prometheus metrics, served on `/metrics` in Prometheus' text format: requests per API method and
/// status, a latency histogram per API method, the depth each check reached, and the check cache's hit ratio.
final class ServerMetrics: @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The engine's cache, read when metrics are scraped.
    let cache: CheckCache?
    private let depth: ValueHistogram
    private let cacheHitRatio: Gauge
    private let cacheLookups: Gauge

    init(cache: CheckCache?) {
        self.cache = cache
        // Unit-less names: an empty unit adds no suffix (`warden_check_depth`).
        depth = registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "warden", metricName: "check_depth", unitName: "",
                helpText: "The deepest userset or tuple-to-userset level each check reached"),
            buckets: [0, 1, 2, 3, 5, 8, 13, 25])
        cacheHitRatio = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "warden", metricName: "check_cache_hit_ratio", unitName: "",
                helpText: "Check cache lookups that found an answer, as a share of all lookups"))
        cacheLookups = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "warden", metricName: "check_cache_lookups", unitName: "", helpText: "Check cache lookups since the server started"))
    }

    /// Records one check's depth.
    func recordCheck(depth value: Int) { depth.record(Double(value)) }
    /// The metric objects already made, so a request costs one dictionary lookup, not the registry's
    /// name-and-label work.
    private let lock = NSLock()
    private var counters: [RequestKind: Counter] = [:]

    private struct RequestKind: Hashable {
        let method: String
        let status: Int
    }
    private var histograms: [String: DurationHistogram] = [:]

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "warden", metricName: "requests", unitName: "total", helpText: "API requests by method and status")
    }
    static var latency: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "warden", metricName: "request_duration", unitName: "seconds", helpText: "API request latency by method")
    }
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .seconds(1), .seconds(3),
    ]

    /// The API method a path names: `check`, `write`, `list-objects`, … (`stores` for the store endpoints).
    static func method(_ httpMethod: String, _ path: [String]) -> String {
        guard path.count > 2 else { return httpMethod.lowercased() + "-stores" }
        return path[2]
    }

    func record(method: String, status: Int, duration: Duration) {
        let key = RequestKind(method: method, status: status)
        let (counter, histogram) = lock.withLock { () -> (Counter, DurationHistogram) in
            let counter = counters[key] ?? {
                let made = registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("status", String(status))])
                counters[key] = made
                return made
            }()
            let histogram = histograms[method] ?? {
                let made = registry.makeDurationHistogram(descriptor: Self.latency, labels: [("method", method)], buckets: Self.buckets)
                histograms[method] = made
                return made
            }()
            return (counter, histogram)
        }
        counter.increment()
        histogram.record(duration)
    }

    /// The Prometheus text exposition.
    func text() -> String {
        if let (lookups, hits) = cache?.statistics {
            cacheLookups.set(Double(lookups))
            cacheHitRatio.set(lookups == 0 ? 0 : Double(hits) / Double(lookups))
        }
        return registry.emitToString()
    }
}

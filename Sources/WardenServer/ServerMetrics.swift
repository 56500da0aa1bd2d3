import Foundation
import Prometheus

/// The server's Prometheus metrics, served on `/metrics` in Prometheus' text format: requests per API method and
/// status, and a latency histogram per API method.
final class ServerMetrics: @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The metric objects already made, so a request costs one dictionary lookup, not the registry's
    /// name-and-label work.
    private let lock = NSLock()
    private var counters: [String: Counter] = [:]
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
        let key = "\(method) \(status)"
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
    func text() -> String { registry.emitToString() }
}

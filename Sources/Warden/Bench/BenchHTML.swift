import Foundation

/// `warden bench --report FILE.html`: one self-contained page (no script, no external file) with the workload,
/// the machine, the figures, and per request kind an SVG of the latency distribution and of the percentile curve
/// drawn here; with a baseline, the ratio of each percentile to it.
public enum BenchHTML {
    public static func page(_ report: BenchReport, baseline: BenchReport? = nil) -> String {
        var body = """
            <h1>warden bench</h1>
            <table class="facts">
            <tr><th>workload</th><td>\(escape(report.workload))</td></tr>
            <tr><th>target</th><td>\(escape(report.target))\(report.target == "in-process" ? ", \(report.threads) thread\(report.threads == 1 ? "" : "s"), cache \(report.cache ? "on" : "off")" : "")</td></tr>
            <tr><th>machine</th><td>\(escape(report.machine))</td></tr>
            <tr><th>throughput</th><td>\(report.requests) requests in \(format(report.seconds)) s: \(format(report.throughput)) requests/s</td></tr>
            \(report.cacheHitRatio.map { "<tr><th>cache hit ratio</th><td>\(format($0 * 100))%</td></tr>" } ?? "")
            \(report.meanCheckDepth.map { "<tr><th>mean check depth</th><td>\(format($0))</td></tr>" } ?? "")
            </table>
            <h2>Latency (µs)</h2>
            \(table(report))
            """
        if let baseline { body += "<h2>Against \(escape(baseline.target))</h2>\n" + comparison(report, baseline) }
        for (kind, latency) in report.kinds.sorted(by: { $0.key < $1.key }) {
            body += "\n<h2>\(escape(kind))</h2>\n<div class=\"charts\">\n\(distributionChart(latency))\n\(curveChart(latency))\n</div>"
        }
        for (code, count) in report.errors.sorted(by: { $0.key < $1.key }) {
            body += "\n<p class=\"error\">\(count) requests failed: \(escape(code))</p>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>warden bench</title>
            <style>
            body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; }
            th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
            th:first-child, td:first-child, .facts th, .facts td { text-align: left; }
            .charts { display: flex; flex-wrap: wrap; gap: 2em; }
            svg { background: #fafafa; border: 1px solid #ddd; }
            svg text { font: 11px system-ui, sans-serif; fill: #444; }
            .error { color: #a00; }
            </style></head>
            <body>
            \(body)
            </body></html>
            """
    }

    static func table(_ report: BenchReport) -> String {
        var rows = "<table><tr><th>requests</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr>"
        for (name, latency) in report.kinds.sorted(by: { $0.key < $1.key }) + report.relations.sorted(by: { $0.key < $1.key }) {
            let cells = [latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.mean].map { "<td>\(format($0))</td>" }
            rows += "<tr><td>\(escape(name))</td><td>\(latency.count)</td>\(cells.joined())</tr>"
        }
        return rows + "</table>"
    }

    static func comparison(_ report: BenchReport, _ baseline: BenchReport) -> String {
        var rows = "<table><tr><th>requests</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>"
        for (kind, now) in report.kinds.sorted(by: { $0.key < $1.key }) {
            guard let before = baseline.kinds[kind] else { continue }
            let ratios = zip([now.p50, now.p90, now.p99, now.p999, now.max], [before.p50, before.p90, before.p99, before.p999, before.max])
                .map { "<td>\(format($0 / Swift.max($1, 0.001)))×</td>" }
            rows += "<tr><td>\(escape(kind))</td>\(ratios.joined())</tr>"
        }
        return rows + "</table>"
    }

    static let width = 520.0
    static let height = 260.0
    static let margin = 48.0

    /// Bars: requests per latency band.
    static func distributionChart(_ latency: BenchReport.Latency) -> String {
        let bands = latency.distribution
        let most = Double(bands.map(\.count).max() ?? 1)
        let plotWidth = width - 2 * margin, plotHeight = height - 2 * margin
        let barWidth = plotWidth / Double(Swift.max(bands.count, 1))
        var shapes = ""
        for (index, band) in bands.enumerated() {
            let barHeight = most > 0 ? plotHeight * Double(band.count) / most : 0
            let x = margin + Double(index) * barWidth
            shapes += "<rect x=\"\(format(x + 1))\" y=\"\(format(height - margin - barHeight))\" width=\"\(format(Swift.max(barWidth - 2, 1)))\" height=\"\(format(barHeight))\" fill=\"#4a7bd0\"><title>≤ \(format(band.upTo)) µs: \(band.count)</title></rect>"
            if bands.count <= 12 || index % 2 == 0 {
                shapes += "<text x=\"\(format(x + barWidth / 2))\" y=\"\(format(height - margin + 14))\" text-anchor=\"middle\">\(format(band.upTo))</text>"
            }
        }
        return svg("latency distribution (requests per band, µs)", shapes + axes(yLabel: "\(Int(most))"))
    }

    /// The percentile curve, the x axis stretched towards the tail (0, 90, 99, 99.9, 99.99%).
    static func curveChart(_ latency: BenchReport.Latency) -> String {
        let points = latency.curve.filter { $0.percentile < 100 }
        let top = Swift.max(latency.max, 0.001)
        let plotWidth = width - 2 * margin, plotHeight = height - 2 * margin
        func x(_ percentile: Double) -> Double { margin + plotWidth * Swift.min(log10(1 / (1 - percentile / 100)), 4) / 4 }
        func y(_ microseconds: Double) -> Double { height - margin - plotHeight * microseconds / top }
        let line = points.map { "\(format(x($0.percentile))),\(format(y($0.microseconds)))" }.joined(separator: " ")
        var shapes = "<polyline points=\"\(line)\" fill=\"none\" stroke=\"#d0584a\" stroke-width=\"2\"/>"
        for (percentile, label) in [(0.0, "0%"), (90.0, "90%"), (99.0, "99%"), (99.9, "99.9%"), (99.99, "99.99%")] {
            shapes += "<text x=\"\(format(x(percentile)))\" y=\"\(format(height - margin + 14))\" text-anchor=\"middle\">\(label)</text>"
        }
        return svg("latency by percentile (µs)", shapes + axes(yLabel: format(top)))
    }

    static func axes(yLabel: String) -> String {
        "<line x1=\"\(margin)\" y1=\"\(height - margin)\" x2=\"\(width - margin)\" y2=\"\(height - margin)\" stroke=\"#888\"/>"
            + "<line x1=\"\(margin)\" y1=\"\(margin)\" x2=\"\(margin)\" y2=\"\(height - margin)\" stroke=\"#888\"/>"
            + "<text x=\"\(margin - 4)\" y=\"\(margin + 4)\" text-anchor=\"end\">\(escape(yLabel))</text>"
            + "<text x=\"\(margin - 4)\" y=\"\(height - margin)\" text-anchor=\"end\">0</text>"
    }

    static func svg(_ title: String, _ shapes: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
            + "<text x=\"\(margin)\" y=\"20\">\(escape(title))</text>\(shapes)</svg>"
    }

    static func format(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : value < 1_000 ? "%.1f" : "%.0f", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

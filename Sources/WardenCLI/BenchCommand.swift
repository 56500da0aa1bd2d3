import ArgumentParser
import Foundation
import Warden
import WardenClient
import WardenConditions
import WardenModel

/// `warden bench STORE-FILE`: check latency and throughput on the user's own model, tuples and questions.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure check, ListObjects and ListUsers latency on a store file's model, tuples and assertions.",
        discussion: """
            Loads the store file's model and tuples (its own and every test's) into a fresh LMDB store, then sends \
            its assertions, each one request, from --threads threads as fast as answers come: first for --warmup, \
            then for --duration (or --requests requests). Prints throughput and latency percentiles (HDR \
            histogram) per request kind and per type and relation; --json prints the report as JSON, --output \
            saves it. With --baseline, exits 1 when the p50 or p99 of a request kind is more than \
            --max-regression above the saved report's, naming each one. With --url the requests go over HTTP to \
            an OpenFGA-compatible server (warden serve, or OpenFGA) on --connections connections: closed loop, or \
            open loop at --rate requests per second, where latency counts from when a request was due.
            """
    )

    @Argument(help: "The .fga.yaml store file whose model, tuples and assertions make the workload.")
    var storeFile: String?

    @Option(help: "Instead of a store file: synthesise tuples and checks from this model (.fga, .json or fga.mod).")
    var generate: String?

    @Option(help: "Instead of a store file: a JSON Lines file of requests for --store, which already holds its data.")
    var requestFile: String?

    @Option(help: "With --request-file: the store (id or name) in --data, or the store id on --url's server.")
    var store: String?

    @Option(help: "With --request-file, in process: the data directory holding --store.")
    var data = "./warden-data"

    @Option(help: "With --generate: objects per type.")
    var objects = 1_000

    @Option(help: "With --generate: at most this many tuples per object and relation.")
    var fanout = 3

    @Option(help: "With --generate: about this many hops in parent and nested-group chains.")
    var depth = 3

    @Option(help: "With --generate: a relation's own fan-out and chain depth, as group#member=10:5 (repeatable).")
    var relationShape: [String] = []

    @Option(help: "With --generate: the share of tuples that are wildcards, where a relation allows them.")
    var wildcards = 0.02

    @Option(help: "With --generate: the share of tuples that carry a condition, where a relation allows one.")
    var conditioned = 0.2

    @Option(help: "With --generate: the share of checks answered yes (at most what the data allows).")
    var allowed = 0.5

    @Option(help: "With --generate: the Zipf exponent of the objects and users asked about (0: uniform).")
    var zipf = 1.0

    @Option(help: "With --generate: how many distinct checks make the mix.")
    var checks = 1_000

    @Option(help: "With --generate: the seed (the same seed gives the same workload).")
    var seed: UInt64 = 1

    @Option(help: "Threads sending requests at once (in process).")
    var threads = 1

    @Option(help: "Send the requests to this OpenFGA-compatible server instead of the embedded engine.")
    var url: String?

    @Option(help: "With --url: connections (and closed-loop senders) at most.")
    var connections = 8

    @Option(help: "With --url: an open loop at this many requests per second instead of a closed loop.")
    var rate: Double?

    @Option(help: "With --url: the server's API key (sent as a bearer token).")
    var apiKey: String?

    @Option(help: "Then run the same workload against this OpenFGA-compatible server too, and report its ratio to the first target per percentile.")
    var compare: String?

    @Option(help: "Time spent before measuring, as 500ms, 2s or 1m.")
    var warmup = BenchDuration(.seconds(1))

    @Option(help: "Length of the timed phase, as 500ms, 5s or 1m.")
    var duration = BenchDuration(.seconds(5))

    @Option(help: "Send this many timed requests instead of running for --duration.")
    var requests: Int?

    @Flag(help: "Turn the cross-request check cache off (it is on in warden serve).")
    var noCache = false

    @Flag(help: "Print the report as JSON instead of a table.")
    var json = false

    @Option(help: "Also write the report as JSON to this file (a later run's --baseline).")
    var output: String?

    @Option(help: "A report saved with --output to compare against.")
    var baseline: String?

    @Option(help: "Write a self-contained HTML page with the figures and SVG charts (and the baseline's ratios).")
    var report: String?

    @Option(help: "With --baseline: the largest allowed rise of a p50 or p99, as 10%.")
    var maxRegression = BenchPercent(0.10)

    func validate() throws {
        if [storeFile != nil, generate != nil, requestFile != nil].filter({ $0 }).count != 1 {
            throw ValidationError("give a store file, --generate MODEL, or --request-file FILE with --store")
        }
        if (requestFile != nil) != (store != nil) { throw ValidationError("--request-file and --store go together") }
        if objects < 1 || fanout < 1 || depth < 1 || checks < 1 {
            throw ValidationError("--objects, --fanout, --depth and --checks are at least 1")
        }
        for (name, share) in [("--wildcards", wildcards), ("--conditioned", conditioned), ("--allowed", allowed)]
        where !(0...1).contains(share) {
            throw ValidationError("\(name) is a share between 0 and 1")
        }
        if !(zipf >= 0 && zipf <= 10) { throw ValidationError("--zipf is between 0 and 10") }
        if threads < 1 { throw ValidationError("--threads is at least 1") }
        if let requests, requests < 1 { throw ValidationError("--requests is at least 1") }
        if let url, URL(string: url)?.scheme?.hasPrefix("http") != true {
            throw ValidationError("--url is a URL, as in http://127.0.0.1:8080")
        }
        if connections < 1 { throw ValidationError("--connections is at least 1") }
        if let rate, !(rate > 0 && rate.isFinite) { throw ValidationError("--rate is a positive number of requests per second") }
        if url == nil, rate != nil || apiKey != nil { throw ValidationError("--rate and --api-key go with --url") }
        if let compare, URL(string: compare)?.scheme?.hasPrefix("http") != true {
            throw ValidationError("--compare is a URL, as in http://127.0.0.1:8080")
        }
    }

    func run() async throws {
        let workload: BenchWorkload
        let previous: BenchReport?
        do {
            if let generate {
                var shape = BenchGenerator.Options()
                shape.objects = objects
                shape.fanout = fanout
                shape.depth = depth
                shape.wildcards = wildcards
                shape.conditioned = conditioned
                shape.allowed = allowed
                shape.zipf = zipf
                shape.requests = checks
                shape.seed = seed
                for entry in relationShape {
                    let parts = entry.split(separator: "=", maxSplits: 1)
                    let numbers = parts.count == 2 ? parts[1].split(separator: ":").compactMap { Int($0) } : []
                    guard parts.count == 2, (1...2).contains(numbers.count), numbers.allSatisfy({ $0 >= 1 }) else {
                        throw BenchFailure(description: "--relation-shape \(entry): expected type#relation=FANOUT or type#relation=FANOUT:DEPTH")
                    }
                    shape.relations[String(parts[0])] = (numbers[0], numbers.count == 2 ? numbers[1] : depth)
                }
                workload = try BenchGenerator(options: shape).workload(
                    model: try ConditionValidation.loadValidated(path: generate), name: generate)
            } else if let requestFile {
                workload = try BenchWorkload(requestFile: requestFile)
            } else {
                workload = try BenchWorkload(storeFile: try StoreFile.load(path: storeFile ?? ""))
            }
            previous = try baseline.map { path in
                try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            }
        } catch {
            StandardError.write("error: \(error)")
            throw WardenExit.badInput
        }
        var options = BenchOptions()
        options.threads = threads
        options.warmup = warmup.value
        options.duration = duration.value
        options.requests = requests
        options.cache = !noCache

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let interactive = isatty(STDERR_FILENO) == 1
        let measured: BenchReport
        var compared: BenchReport?
        let planned = (requests: requests, seconds: duration.value.inSeconds)
        let progress: @Sendable (Int, Double) -> Void = { sent, seconds in
            guard interactive else { return }
            let rate = seconds > 0 ? Double(sent) / seconds : 0
            let done = planned.requests.map { Double(sent) / Double(max($0, 1)) } ?? seconds / max(planned.seconds, 0.001)
            let filled = Int((min(max(done, 0), 1) * 30).rounded())
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: 30 - filled)
            let figures = String(format: "%10d requests  %6.1f s  %10.0f requests/s", sent, seconds, rate)
            FileHandle.standardError.write(Data("\r[\(bar)] \(figures)".utf8))
        }
        do {
            if let url, let base = URL(string: url) {
                var runner = HTTPBenchRunner(baseURL: base, apiKey: apiKey, connections: connections, rate: rate)
                runner.store = store
                measured = try await runner.run(workload, options: options, progress: progress)
            } else if let store {
                measured = try BenchRunner(options: options).run(workload, dataDirectory: data, store: store, progress: progress)
            } else {
                measured = try BenchRunner(options: options).run(workload, dataDirectory: scratch, progress: progress)
            }
            if let compare, let base = URL(string: compare) {
                var runner = HTTPBenchRunner(baseURL: base, apiKey: apiKey, connections: connections, rate: rate)
                runner.store = store
                compared = try await runner.run(workload, options: options, progress: progress)
            }
        } catch {
            StandardError.write("error: \(error)")
            throw WardenExit.badInput
        }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let encoded = try encoder.encode(measured)
        if let output { try encoded.write(to: URL(fileURLWithPath: output)) }
        if let report {
            let page = compared.map { BenchHTML.page($0, baseline: measured) } ?? BenchHTML.page(measured, baseline: previous)
            try Data(page.utf8).write(to: URL(fileURLWithPath: report))
        }
        if json {
            let both = try compared.map { try encoder.encode(BenchComparison(first: measured, second: $0)) }
            print(String(decoding: both ?? encoded, as: UTF8.self))
        } else {
            print(measured.table)
            if let compared { print("\n" + compared.table + "\n\n" + compared.ratios(to: measured)) }
        }
        if let report, !json { print("HTML report: \(report)") }
        if let previous {
            let regressions = measured.regressions(against: previous, maximum: maxRegression.fraction)
            for regression in regressions { StandardError.write("regression: \(regression)") }
            if !regressions.isEmpty { throw WardenExit.negative }
        }
    }
}

/// A duration on the command line: `500ms`, `5s`, `2m`, or a bare number of seconds.
struct BenchDuration: ExpressibleByArgument {
    var value: Duration

    init(_ value: Duration) { self.value = value }

    init?(argument: String) {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        let unit = units.first { argument.hasSuffix($0.suffix) } ?? ("", 1)
        guard let number = Double(argument.dropLast(unit.suffix.count)), number >= 0, number.isFinite, number * unit.seconds < 86_400
        else { return nil }
        value = .milliseconds(Int64((number * unit.seconds * 1_000).rounded()))
    }

    var defaultValueDescription: String { "\(value)" }
}

/// A percentage on the command line: `10%` or `10`.
struct BenchPercent: ExpressibleByArgument {
    var fraction: Double

    init(_ fraction: Double) { self.fraction = fraction }

    init?(argument: String) {
        let text = argument.hasSuffix("%") ? String(argument.dropLast()) : argument
        guard let number = Double(text), number >= 0, number.isFinite else { return nil }
        fraction = number / 100
    }

    var defaultValueDescription: String { "\(Int(fraction * 100))%" }
}

/// `--compare --json`: both reports, the first target's and the second's.
struct BenchComparison: Codable {
    var first: BenchReport
    var second: BenchReport
}

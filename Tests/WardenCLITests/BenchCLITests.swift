import Foundation
import Testing
import Warden
import WardenTestSupport

/// `warden bench`: a report from a store file, and the regression gate a user's CI runs on a model change.
@Suite("warden bench")
struct BenchCLITests {
    /// A store file whose one check is `viewer` on doc:1; `slow` makes `viewer` exclude whoever is banned from
    /// any of the document's 2,000 parent folders, so answering it reads every one of them.
    static func storeFile(slow: Bool) -> String {
        var tuples = ["  - {user: \"user:anne\", relation: viewer, object: \"doc:1\"}"]
        if slow {
            tuples += (1...2_000).map { "  - {user: \"folder:f\($0)\", relation: parent, object: \"doc:1\"}" }
        }
        return """
            name: \(slow ? "slow" : "fast")
            model: |
              model
                schema 1.1
              type user
              type folder
                relations
                  define banned: [user]
              type doc
                relations
                  define parent: [folder]
                  define blocked: banned from parent
                  define viewer: \(slow ? "[user] but not blocked" : "[user]")
            tuples:
            \(tuples.joined(separator: "\n"))
            tests:
              - name: viewer
                check:
                  - user: user:anne
                    object: doc:1
                    assertions:
                      viewer: true
            """
    }

    @Test("a report per request kind and relation, as a table and as JSON that decodes to the same figures")
    func report() throws {
        let file = try CLITests.temporaryFile("fast.fga.yaml", Self.storeFile(slow: false))
        let saved = (file as NSString).deletingLastPathComponent + "/report.json"
        let table = try CLITests.run(["bench", file, "--requests", "400", "--warmup", "0s", "--threads", "2", "--output", saved])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("400 requests in "))
        #expect(table.stdout.contains("target: in-process, 2 threads, cache on"))
        let report = try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: saved)))
        #expect(report.requests == 400)
        #expect(report.kinds.keys.sorted() == ["check"])
        #expect(report.relations.keys.sorted() == ["check doc#viewer"])
        let check = try #require(report.kinds["check"])
        #expect(check.count == 400)
        #expect(check.p50 <= check.p90 && check.p90 <= check.p99 && check.p99 <= check.p999 && check.p999 <= check.max)
        #expect(report.errors.isEmpty)
        // `viewer: [user]` is answered by its point reads, never from the cache.
        #expect(report.cacheHitRatio == nil)
        #expect(table.stdout.contains("cache hit ratio: none consulted"))
        // A walked relation consults it: the first check misses (with the subproblems its walk looks up), the
        // other 99 hit.
        let slow = try CLITests.temporaryFile("slow.fga.yaml", Self.storeFile(slow: true))
        let walked = try CLITests.run(["bench", slow, "--requests", "100", "--warmup", "0s", "--threads", "1", "--json"])
        let ratio = try #require(try JSONDecoder().decode(BenchReport.self, from: Data(walked.stdout.utf8)).cacheHitRatio)
        #expect(ratio > 0 && ratio < 1)
        let json = try CLITests.run(["bench", file, "--requests", "50", "--warmup", "0s", "--no-cache", "--json"])
        let decoded = try JSONDecoder().decode(BenchReport.self, from: Data(json.stdout.utf8))
        #expect(decoded.requests == 50 && !decoded.cache && decoded.cacheHitRatio == nil)
    }

    @Test("--baseline fails a model change that makes checks slower, naming the percentile, and passes an unchanged one")
    func regressionGate() throws {
        let fast = try CLITests.temporaryFile("fast.fga.yaml", Self.storeFile(slow: false))
        let slow = try CLITests.temporaryFile("slow.fga.yaml", Self.storeFile(slow: true))
        let baseline = (fast as NSString).deletingLastPathComponent + "/baseline.json"
        // 1,000 requests: a p99 is then not one request a loaded machine happened to pause.
        let common = ["--requests", "1000", "--warmup", "0s", "--no-cache"]
        #expect(try CLITests.run(["bench", fast, "--output", baseline] + common).status == 0)
        // The walk over 2,000 groups is hundreds of times slower; 5000% (51×) leaves room for a loaded machine,
        // where a fast check's p99 has been seen 15× its baseline's.
        let slower = try CLITests.run(
            ["bench", slow, "--baseline", baseline, "--max-regression", "5000%", "--requests", "100", "--warmup", "0s", "--no-cache"])
        #expect(slower.status == 1)
        #expect(slower.stderr.contains("regression: check p50 is "))
        #expect(slower.stderr.contains("(allowed: 5000%)"))
        let unchanged = try CLITests.run(["bench", fast, "--baseline", baseline, "--max-regression", "5000%"] + common)
        #expect(unchanged.status == 0, "\(unchanged.stderr)")
        #expect(!unchanged.stderr.contains("regression"))
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        "--report writes a page whose SVG charts headless Chromium renders: one bar per latency band, one curve",
        .enabled(if: chromium != nil, "headless Chromium is not installed (make test installs the Debian package)"))
    func htmlReport() throws {
        let file = try CLITests.temporaryFile("fast.fga.yaml", Self.storeFile(slow: false))
        let folder = (file as NSString).deletingLastPathComponent
        let page = folder + "/report.html", saved = folder + "/report.json"
        let run = try CLITests.run(["bench", file, "--requests", "300", "--warmup", "0s", "--report", page, "--output", saved])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("HTML report: \(page)"))
        let report = try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: saved)))
        let bands = try #require(report.kinds["check"]).distribution.count
        #expect(bands > 0)
        // The DOM as Chromium built it: SVG elements it parsed, not text in a file.
        let dom = try CLITests.run(
            program: URL(fileURLWithPath: try #require(Self.chromium)),
            ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", URL(fileURLWithPath: page).absoluteString])
        #expect(dom.status == 0)
        #expect(dom.stdout.components(separatedBy: "<svg").count - 1 == 2)
        #expect(dom.stdout.components(separatedBy: "<rect").count - 1 == bands)
        #expect(dom.stdout.components(separatedBy: "<polyline").count - 1 == 1)
        #expect(!dom.stdout.contains("<script"))
    }

    @Test("--url: the workload through warden serve over HTTP, closed loop and open loop at a rate")
    func overHTTP() throws {
        let data = try TemporaryDirectory()
        let (server, url) = try CLITests.startServer(data: data.path)
        defer { CLITests.stop(server) }
        let file = try CLITests.temporaryFile("fast.fga.yaml", Self.storeFile(slow: false))
        let closed = try CLITests.run(["bench", file, "--url", url, "--connections", "2", "--requests", "200", "--warmup", "0s", "--json"])
        #expect(closed.status == 0, "\(closed.stderr)")
        let closedReport = try JSONDecoder().decode(BenchReport.self, from: Data(closed.stdout.utf8))
        #expect(closedReport.requests == 200 && closedReport.errors.isEmpty)
        #expect(closedReport.target == "\(url), closed loop, 2 connections")
        let open = try CLITests.run(["bench", file, "--url", url, "--rate", "400", "--requests", "100", "--warmup", "0s", "--json"])
        #expect(open.status == 0, "\(open.stderr)")
        let openReport = try JSONDecoder().decode(BenchReport.self, from: Data(open.stdout.utf8))
        #expect(openReport.requests == 100 && openReport.errors.isEmpty)
        #expect(openReport.target == "\(url), open loop at 400 requests/s, 8 connections")
        // 100 requests due 2.5 ms apart take about 0.25 s, however fast the server answers.
        #expect(openReport.seconds >= 0.24)
        let compared = try CLITests.run(["bench", file, "--compare", url, "--requests", "100", "--warmup", "0s"])
        #expect(compared.status == 0, "\(compared.stderr)")
        #expect(compared.stdout.contains("target: in-process, 1 thread, cache on"))
        #expect(compared.stdout.contains("target: \(url), closed loop, 8 connections"))
        let ratioLine = compared.stdout.split(separator: "\n").first { $0.hasPrefix("check  ") }
        let ratio = ratioLine.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Double($0.dropLast()) }
        #expect((ratio ?? 0) > 1, "HTTP takes longer than the embedded engine: \(compared.stdout)")
        let refused = try CLITests.run(["bench", file, "--rate", "10"])
        #expect(refused.status != 0 && refused.stderr.contains("--rate and --api-key go with --url"))
    }

    @Test(
        "--generate on the warehouse and care-unit packages, in process and through warden serve, with a report Chromium renders",
        .enabled(if: chromium != nil, "headless Chromium is not installed (make test installs the Debian package)"),
        arguments: ["warehouse", "care-unit"])
    func generated(_ package: String) throws {
        let model = Fixtures.repositoryRoot.appendingPathComponent("models/\(package)/model.fga").path
        let data = try TemporaryDirectory()
        let (server, url) = try CLITests.startServer(data: data.path)
        defer { CLITests.stop(server) }
        let page = data.path + "/report.html"
        let shape = ["--generate", model, "--objects", "200", "--checks", "200", "--allowed", "0.5", "--seed", "7", "--warmup", "0s"]
        for target in [[String](), ["--url", url]] {
            let run = try CLITests.run(["bench"] + shape + target + ["--requests", "400", "--json", "--report", page])
            #expect(run.status == 0, "\(run.stderr)")
            let report = try JSONDecoder().decode(BenchReport.self, from: Data(run.stdout.utf8))
            #expect(report.requests == 400 && report.errors.isEmpty, "\(report.errors)")
            #expect(report.workload.contains("generated from \(model): 200 objects per type"))
            #expect(report.workload.contains("200 checks, 50% allowed"))
            let dom = try CLITests.run(
                program: URL(fileURLWithPath: try #require(Self.chromium)),
                ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", URL(fileURLWithPath: page).absoluteString])
            #expect(dom.stdout.components(separatedBy: "<polyline").count - 1 == 1, "one percentile curve for the checks")
            #expect(dom.stdout.components(separatedBy: "<rect").count - 1 == report.kinds["check"]?.distribution.count)
        }
    }

    @Test("--request-file: JSON Lines requests against a store that already holds its data, with located errors")
    func requestFile() throws {
        let data = try TemporaryDirectory()
        let model = try CLITests.temporaryFile("model.fga", "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n")
        #expect(try CLITests.run(["store", "create", "docs", "--data", data.path]).status == 0)
        #expect(try CLITests.run(["model", "write", model, "--store", "docs", "--data", data.path]).status == 0)
        #expect(try CLITests.run(["tuple", "write", "user:anne", "viewer", "doc:1", "--store", "docs", "--data", data.path]).status == 0)
        let requests = try CLITests.temporaryFile("requests.jsonl", """
            {"user": "user:anne", "relation": "viewer", "object": "doc:1"}

            {"user": "user:anne", "relation": "viewer", "type": "doc"}
            {"object": "doc:1", "relation": "viewer", "user_filter": "user"}
            """)
        let run = try CLITests.run([
            "bench", "--request-file", requests, "--store", "docs", "--data", data.path, "--requests", "300", "--warmup", "0s", "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(BenchReport.self, from: Data(run.stdout.utf8))
        #expect(report.workload == "\(requests): 1 check, 1 list-objects, 1 list-users")
        #expect(report.kinds.mapValues(\.count) == ["check": 100, "list-objects": 100, "list-users": 100])
        #expect(report.errors.isEmpty)
        let bad = try CLITests.temporaryFile("bad.jsonl", "{\"user\": \"user:anne\", \"relation\": \"viewer\", \"object\": \"doc:1\"}\n{\"user\": \"user:anne\", \"object\": \"doc:1\"}\n")
        let refused = try CLITests.run(["bench", "--request-file", bad, "--store", "docs", "--data", data.path, "--requests", "1"])
        #expect(refused.status == 2)
        #expect(refused.stderr == "error: \(bad):2: error: 'relation' is missing\n")
    }

    @Test("a store file that cannot be read, or a malformed duration, is a clear error")
    func badInput() throws {
        let missing = try CLITests.run(["bench", "/nonexistent/store.fga.yaml", "--requests", "1"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("test file does not exist or cannot be read"))
        let file = try CLITests.temporaryFile("fast.fga.yaml", Self.storeFile(slow: false))
        let duration = try CLITests.run(["bench", file, "--duration", "soon"])
        #expect(duration.status != 0)
        #expect(duration.stderr.contains("--duration"))
    }
}

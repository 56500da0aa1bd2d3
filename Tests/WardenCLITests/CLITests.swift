import Foundation
import Testing
import WardenTestSupport

/// The built `warden` binary, run as a user runs it: exact stdout, stderr and exit codes.
@Suite("warden CLI")
struct CLITests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/warden")

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try run(program: binary, arguments, environment: environment)
    }

    /// Runs any program (with `environment` added to this process's) and collects its exit status and output.
    static func run(program: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// One folder per test process for every temporary file, removed when the process exits.
    static let scratchRoot: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cli-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: CLITests.scratchRoot) }
        return root
    }()

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let folder = scratchRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: false, encoding: .utf8)
        return url.path
    }

    static let validModel = "model\n  schema 1.1\n\ntype user\n\ntype doc\n  relations\n    define viewer: [user, user:*]\n"

    @Test("validate: a valid model exits 0 and says what it holds")
    func validateValid() throws {
        let path = try Self.temporaryFile("model.fga", Self.validModel)
        let result = try Self.run(["model", "validate", path])
        #expect(result.status == 0)
        #expect(result.stdout == "\(path): valid (schema 1.1, 2 types, 1 relations, 0 conditions)\n")
    }

    @Test("validate: what OpenFGA's server runs anyway is a located warning and exit 0; --strict refuses it")
    func validateWarnings() throws {
        let path = try Self.temporaryFile(
            "model.fga", "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define r0: [user]\n    define r1: r0 or r0\n")
        let warning = "\(path):7:16: warning: the partial relation definition `r0` is a duplicate in the relation `r1`.\n"
        let lenient = try Self.run(["model", "validate", path])
        #expect(lenient.status == 0)
        #expect(lenient.stdout == "\(path): valid (schema 1.1, 2 types, 2 relations, 0 conditions, 1 warning)\n")
        #expect(lenient.stderr == warning)
        let strict = try Self.run(["model", "validate", "--strict", path])
        #expect(strict.status == 2)
        #expect(strict.stdout == "")
        #expect(strict.stderr == warning)
    }

    @Test("validate: every case of the validation corpus is accepted exactly where `fga model validate` accepts it")
    func validateCorpusAcceptance() throws {
        guard Fixtures.corpusPresent(for: "validation corpus (CLI acceptance)") else { return }
        var checked = 0
        for file in ["dsl-semantic.yaml", "dsl-syntax.yaml"] {
            for raw in try Fixtures.yamlCases("dsl/invalid/\(file)") where raw["skip"] as? Bool != true {
                guard let text = raw["dsl"] as? String else { continue }
                let reported = !(raw["expected_errors"] as? [Any] ?? []).isEmpty
                let openFGAAccepts = (raw["fga_cli_validate"] as? [String: Any])?["is_valid"] as? Bool ?? !reported
                let path = try Self.temporaryFile("model.fga", text)
                let lenient = try Self.run(["model", "validate", path])
                #expect(lenient.status == (openFGAAccepts ? 0 : 2), "\(file): \(raw["name"] ?? "") \(lenient.stderr)")
                if reported {
                    #expect(!lenient.stderr.isEmpty, "\(file): \(raw["name"] ?? ""): the diagnostic is still printed")
                    #expect(try Self.run(["model", "validate", "--strict", path]).status == 2, "\(file): \(raw["name"] ?? "")")
                }
                checked += 1
            }
        }
        #expect(checked == 165)
    }

    @Test("check refuses what OpenFGA refuses: a wildcard object, a wildcard userset, a contextual tuple twice",
        arguments: [
            (["user:u", "viewer", "doc:*"], "error: invalid relation: the 'object' field cannot reference a typed wildcard\n"),
            (["group:*#member", "viewer", "doc:1"],
             "error: invalid reference 'group:*#member': the 'user' field is malformed: a userset's object id cannot hold '*'\n"),
            (["user:u", "viewer", "doc:1", "--contextual-tuple", "doc:1#viewer@user:u", "--contextual-tuple", "doc:1#viewer@user:u"],
             "error: Duplicate contextual tuple in request: doc:1#viewer@user:u.\n"),
            (["user:u", "viewer", "doc:1", "--contextual-tuple", "doc:*#viewer@user:u"],
             "error: Invalid tuple 'doc:*#viewer@user:u'. Reason: the 'object' field cannot reference a typed wildcard\n"),
        ])
    func checkRefusals(_ arguments: [String], _ message: String) throws {
        let path = try Self.temporaryFile("model.fga", Self.validModel)
        let result = try Self.run(["check"] + arguments + ["--model", path])
        #expect(result.status == 2)
        #expect(result.stderr == message)
    }

    @Test("validate: an invalid model exits 2 with compiler-style errors on stderr")
    func validateInvalid() throws {
        let path = try Self.temporaryFile(
            "model.fga", "model\n  schema 1.1\ntype user\ntype folder\n  relations\n    define viewer: [user] or owner\n")
        let result = try Self.run(["model", "validate", path])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == "\(path):6:30: error: the relation `owner` does not exist.\n")
    }

    @Test("validate --output json prints OpenFGA's error objects")
    func validateJSON() throws {
        let path = try Self.temporaryFile("model.fga", "model\n  schema 1.1\ntype user\ntype user\n")
        let result = try Self.run(["model", "validate", path, "--output", "json"])
        #expect(result.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let errors = try #require(object["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect((errors[0]["metadata"] as? [String: Any])?["errorType"] as? String == "duplicated-error")
    }

    @Test("transform: DSL → JSON → DSL gives the text back")
    func transformRoundTrip() throws {
        let dslPath = try Self.temporaryFile("model.fga", Self.validModel)
        let json = try Self.run(["model", "transform", dslPath])
        #expect(json.status == 0)
        let jsonPath = try Self.temporaryFile("model.json", json.stdout)
        let dsl = try Self.run(["model", "transform", jsonPath])
        #expect(dsl.status == 0)
        #expect(dsl.stdout == Self.validModel)
        let forced = try Self.run(["model", "transform", dslPath, "--to", "dsl"])
        #expect(forced.stdout == Self.validModel)
    }

    @Test("graph: dot and mermaid name every edge")
    func graph() throws {
        let path = try Self.temporaryFile(
            "model.fga",
            "model\n  schema 1.1\ntype user\ntype folder\n  relations\n    define parent: [folder]\n    define viewer: [user] or viewer from parent\n")
        let dot = try Self.run(["model", "graph", path])
        #expect(dot.status == 0)
        #expect(dot.stdout.contains("n_folder__viewer -> n_user [label=\"or: direct\", style=solid];"))
        #expect(dot.stdout.contains("n_folder__viewer -> n_folder__viewer [label=\"or: from parent\", style=dotted];"))
        let mermaid = try Self.run(["model", "graph", path, "--format", "mermaid"])
        #expect(mermaid.stdout.hasPrefix("flowchart LR\n"))
        #expect(mermaid.stdout.contains("n_folder__parent -->|\"direct\"| n_folder"))
    }

    @Test("finding 3: every numeric and JSON argument is bounds-checked: a usage error naming the rule", arguments: [
        (["list-objects", "user:a", "viewer", "doc", "--store", "s", "--timeout=-5"], "--timeout is a number of milliseconds, 0 or more"),
        (["list-objects", "user:a", "viewer", "doc", "--store", "s", "--max-results=0"], "--max-results must be at least 1"),
        (["tuple", "changes", "--store", "s", "--limit=0"], "--limit must be at least 1"),
        (["tuple", "read", "--store", "s", "--limit=0"], "--limit must be at least 1"),
        (["tuple", "import", "x.jsonl", "--store", "s", "--batch-size=0"], "--batch-size must be at least 1"),
        (["check", "user:a", "viewer", "doc:1", "--store", "s", "--context", "[1]"], #"--context is a JSON object, as in '{"ip": "10.0.0.1"}'"#),
        (["authorize", "t", "read:x", "doc:1", "--bindings", "b.yaml", "--store", "s", "--context", "3"], #"--context is a JSON object, as in '{"ip": "10.0.0.1"}'"#),
        (["serve", "--addr", "0.0.0.0:8080"], "--addr 0.0.0.0 is not loopback: callers are not authenticated, so give --insecure-bind-any to listen there"),
        (["serve", "--addr", "8080"], "--addr is HOST:PORT, as in 127.0.0.1:8080"),
        (["serve", "--request-timeout=-1"], "--request-timeout is 0 to 3600 seconds"),
        (["serve", "--request-timeout", "1e9"], "--request-timeout is 0 to 3600 seconds"),
        (["serve", "--authn-method", "oidc"], "--authn-method oidc needs --authn-oidc-audience"),
        (["serve", "--authn-method", "ldap"], "--authn-method is none, preshared or oidc"),
        (["serve", "--authn-method", "oidc", "--authn-oidc-audience", "a", "--authn-oidc-jwks-url", "file:///etc/passwd"],
         "--authn-oidc-jwks-url must be an http or https URL"),
        (["serve", "--tls-cert", "c.pem"], "HTTPS needs both --tls-cert and --tls-key"),
        (["serve", "--check-cache-size=-1"], "--check-cache-size is 0 to 100000000"),
        (["store", "list", "--datastore", "postgres://u@localhost/d", "--cache-invalidation-interval", "soon"],
         "--cache-invalidation-interval must be milliseconds (250ms) or seconds (1s) up to an hour, not 'soon'"),
        (["store", "list", "--datastore", "postgres://u@localhost/d", "--cache-invalidation-interval", "99999999999999999999s"],
         "--cache-invalidation-interval must be milliseconds (250ms) or seconds (1s) up to an hour, not '99999999999999999999s'"),
    ])
    func boundsChecked(arguments: [String], message: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: \(message)\n"), "\(result.stderr)")
    }

    /// Starts `warden serve` on a random loopback port and waits until it answers /healthz.
    static func startServer(
        data: String, _ extra: [String] = [], environment: [String: String] = [:], scheme: String = "http"
    ) throws -> (server: Process, url: String) {
        let port = try freePort()
        let server = Process()
        server.executableURL = binary
        server.arguments = ["serve", "--data", data, "--addr", "127.0.0.1:\(port)"] + extra
        if !environment.isEmpty { server.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        server.standardError = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        let url = "\(scheme)://127.0.0.1:\(port)"
        for _ in 0..<100 {
            if (try? run(program: URL(fileURLWithPath: "/usr/bin/curl"), ["-sfk", url + "/healthz"]))?.status == 0 { return (server, url) }
            usleep(100_000)
        }
        server.terminate()
        throw ServerDidNotStart(url: url)
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let url: String
        var description: String { "warden serve did not answer \(url)/healthz within 10 s" }
    }

    /// A loopback port nothing listens on now: the kernel's pick for a socket bound to port 0. (A random port
    /// could be one the kernel had just given a client connection as its local port.)
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ServerDidNotStart(url: "(no socket for a port)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else { throw ServerDidNotStart(url: "(no free port)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops a server started by ``startServer(data:)`` (SIGTERM) and waits for it.
    static func stop(_ server: Process) {
        server.terminate()
        server.waitUntilExit()
    }

    /// The virtual environment `make test` creates with OpenFGA's Python SDK (`openfga-sdk`).
    static let sdkPython = Fixtures.repositoryRoot.appendingPathComponent(".build/sdk-venv/bin/python")

    @Test("serve: OpenFGA's official Python SDK, unmodified, drives every endpoint and its error paths")
    func officialSDKDrivesServe() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.sdkPython.path) else {
            print("SKIPPED: .build/sdk-venv is absent (make test creates it); the OpenFGA SDK test did not run")
            return
        }
        let data = try TemporaryDirectory()
        let modelJSON = try Self.run(["model", "transform", Fixtures.repositoryRoot.appendingPathComponent("models/warehouse/model.fga").path, "--to", "json"])
        let modelPath = try Self.temporaryFile("model.json", modelJSON.stdout)
        // With preshared API keys, as a deployment would run it: the SDK sends its key as a bearer token.
        let (server, url) = try Self.startServer(
            data: data.path, ["--authn-method", "preshared"], environment: ["WARDEN_AUTHN_PRESHARED_KEYS": "old-key,sdk-key"])
        defer { Self.stop(server) }
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Server/sdk_test.py").path
        let result = try Self.run(program: Self.sdkPython, [script, url, modelPath, "sdk-key"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let steps = result.stdout.split(separator: "\n").filter { $0.hasPrefix("ok: ") }
        #expect(steps.count == 21, "\(result.stdout)")
        #expect(steps.last == "ok: delete store")
        // The same run, counted on /metrics (Prometheus' text format): four checks answered, one unknown store.
        let metrics = try Self.run(program: URL(fileURLWithPath: "/usr/bin/curl"), ["-s", url + "/metrics"]).stdout
        #expect(metrics.contains(#"warden_requests_total{method="check",status="200"} 4"#), "\(metrics.prefix(3000))")
        #expect(metrics.contains(#"warden_requests_total{method="check",status="404"} 1"#))
        #expect(metrics.contains(#"warden_request_duration_seconds_count{method="batch-check"} 1"#))
    }

    @Test("serve: preshared keys: no key, a wrong key or a near miss is 401 in OpenFGA's words; /healthz needs none")
    func presharedKeys() throws {
        let data = try TemporaryDirectory()
        let (server, url) = try Self.startServer(data: data.path, ["--authn-method", "preshared", "--authn-preshared-keys", "first,second-key"])
        defer { Self.stop(server) }
        func get(_ path: String, _ key: String?) throws -> String {
            let header = key.map { ["-H", "Authorization: Bearer \($0)"] } ?? []
            return try Self.run(program: URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "-w", " %{http_code}"] + header + [url + path]).stdout
        }
        #expect(try get("/stores", nil) == #"{"code":"bearer_token_missing","message":"missing bearer token"} 401"#)
        #expect(try get("/stores", "second-ke") == #"{"code":"unauthenticated","message":"unauthenticated"} 401"#)
        #expect(try get("/stores", "second-keyx") == #"{"code":"unauthenticated","message":"unauthenticated"} 401"#)
        #expect(try get("/stores", "first") == #"{"stores":[],"continuation_token":""} 200"#)
        #expect(try get("/stores", "second-key") == #"{"stores":[],"continuation_token":""} 200"#)
        #expect(try get("/healthz", nil) == #"{"status":"SERVING"} 200"#)
        let noKeys = try Self.run(["serve", "--authn-method", "preshared"])
        #expect(noKeys.status == 64)
        #expect(noKeys.stderr.hasPrefix("Error: --authn-method preshared needs keys"))
    }

    @Test("serve: OpenFGA's check suites pass over HTTP exactly as in process (the wire layer cannot drift)")
    func conformanceOverHTTP() throws {
        guard Fixtures.corpusPresent(for: "the conformance suites over HTTP"), let corpus = Fixtures.conformance else { return }
        let pattern = corpus.appendingPathComponent("check").path + "/**/*.fga.yaml"
        let inProcess = try Self.run(["model", "test", "--tests", pattern])
        let data = try TemporaryDirectory()
        let (server, url) = try Self.startServer(data: data.path)
        defer { Self.stop(server) }
        let overHTTP = try Self.run(["model", "test", "--tests", pattern, "--server", url, "--contextual"])
        #expect(overHTTP.status == 0, "\(overHTTP.stdout.suffix(2000))")
        #expect(inProcess.status == 0)
        let summary = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("Tests ") || $0.hasPrefix("ListObjects ") || $0.hasPrefix("ListUsers ") } }
        #expect(summary(overHTTP.stdout) == summary(inProcess.stdout))
        #expect(summary(overHTTP.stdout).first?.hasPrefix("Tests 371/371") == true, "\(summary(overHTTP.stdout))")
    }

    @Test("serve: a CLI write or delete by another process is seen by the server's next check (no stale yes)")
    func otherProcessWritesAreSeenAtOnce() throws {
        let data = try TemporaryDirectory()
        let d = ["--data", data.path, "--store", "docs"]
        let model = try Self.temporaryFile("model.fga", "model\n  schema 1.1\ntype user\ntype document\n  relations\n    define viewer: [user]\n")
        #expect(try Self.run(["store", "create", "docs", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", model] + d).status == 0)
        let storeID = try #require(try Self.run(["store", "list", "--data", data.path]).stdout.split(separator: " ").first.map(String.init))
        let (server, url) = try Self.startServer(data: data.path)
        defer { Self.stop(server) }
        let curl = URL(fileURLWithPath: "/usr/bin/curl")
        func check() throws -> String {
            try Self.run(program: curl, [
                "-s", "-X", "POST", "\(url)/stores/\(storeID)/check", "-d", #"{"tuple_key":{"user":"user:anne","relation":"viewer","object":"document:1"}}"#,
            ]).stdout
        }
        // Each answer is cached by the server before the other process changes the data.
        for round in 0..<3 {
            #expect(try check() == #"{"allowed":false,"resolution":""}"#, "round \(round)")
            #expect(try Self.run(["tuple", "write", "user:anne", "viewer", "document:1"] + d).status == 0)
            #expect(try check() == #"{"allowed":true,"resolution":""}"#, "round \(round)")
            #expect(try Self.run(["tuple", "delete", "user:anne", "viewer", "document:1"] + d).status == 0)
        }
        #expect(try check() == #"{"allowed":false,"resolution":""}"#)
    }

    @Test("serve: SIGTERM while a client writes loses no acknowledged write, and the server exits 0")
    func gracefulShutdownKeepsAcknowledgedWrites() throws {
        let data = try TemporaryDirectory()
        let model = try Self.temporaryFile("model.fga", "model\n  schema 1.1\ntype user\ntype document\n  relations\n    define viewer: [user]\n")
        #expect(try Self.run(["store", "create", "docs", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", model, "--data", data.path, "--store", "docs"]).status == 0)
        let storeID = try #require(try Self.run(["store", "list", "--data", data.path]).stdout.split(separator: " ").first.map(String.init))
        let (server, url) = try Self.startServer(data: data.path)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        writer.arguments = ["python3", Fixtures.repositoryRoot.appendingPathComponent("Tests/Server/writer.py").path, url, storeID]
        let output = Pipe()
        writer.standardOutput = output
        try writer.run()
        var received = Data()
        while received.split(separator: UInt8(ascii: "\n")).count < 200 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        received.append(output.fileHandleForReading.readDataToEndOfFile())
        writer.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let acknowledged = String(decoding: received, as: UTF8.self).split(separator: "\n").compactMap { line in
            line.hasPrefix("acked ") ? Int(line.dropFirst(6)) : nil
        }
        #expect(acknowledged.count >= 200)
        let stored = Set(try Self.run(["tuple", "read", "--data", data.path, "--store", "docs", "--output", "jsonl"]).stdout.split(separator: "\n").map(String.init))
        let missing = acknowledged.filter { !stored.contains(#"{"user":"user:w\#($0)","relation":"viewer","object":"document:d"}"#) }
        #expect(missing.isEmpty, "acknowledged but missing: \(missing.prefix(5))")
    }

    @Test("bad usage exits 64; a missing file exits 2 naming it")
    func usageAndMissingFile() throws {
        #expect(try Self.run(["model", "validate"]).status == 64)
        #expect(try Self.run(["model", "graph", "x.fga", "--format", "png"]).status == 64)
        let missing = try Self.run(["model", "validate", "/nonexistent/model.fga"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "/nonexistent/model.fga: error: cannot read '/nonexistent/model.fga': no such file or not readable\n")
    }
}

import ArgumentParser
import Foundation
import Warden
import WardenClient
import WardenEngine
import WardenWire

/// `warden model test --tests GLOB…`: runs OpenFGA `.fga.yaml` store files unchanged.
struct ModelTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run .fga.yaml store files (OpenFGA's format): checks, ListObjects and ListUsers assertions.",
        discussion: """
            Prints each failing assertion as fga does, then a summary of passing/total tests, checks, \
            ListObjects and ListUsers. Exits 0 when everything passes, 1 when an assertion fails, 2 when a file \
            cannot be read or its model is invalid.
            """
    )

    @Option(name: .customLong("tests"), parsing: .upToNextOption, help: "Store files or glob patterns (quote globs).")
    var patterns: [String]

    @Flag(help: "Also run every check with the test's tuples sent as contextual tuples.")
    var contextual = false

    @Option(help: "Run the tests over HTTP against this OpenFGA-compatible server (warden serve, or OpenFGA) instead of the embedded engine.")
    var server: String?

    func validate() throws {
        if patterns.isEmpty { throw ValidationError("give at least one --tests file or pattern") }
        if let server, URL(string: server)?.scheme?.hasPrefix("http") != true {
            throw ValidationError("--server is a URL, as in http://127.0.0.1:8080")
        }
    }

    func run() throws {
        var paths: [String] = []
        for pattern in patterns {
            let matches = Glob.expand(pattern)
            if matches.isEmpty {
                StandardError.write("error: test file \(pattern) does not exist")
                throw WardenExit.badInput
            }
            paths += matches
        }
        var runner = server.flatMap(URL.init(string:)).map {
            ModelTestRunner(backend: OpenFGATestBackend(transport: HTTPTransport(baseURL: $0)))
        } ?? ModelTestRunner(engine: WardenDefaults.engine())
        runner.alsoAsContextualTuples = contextual
        let report = runner.run(paths: paths)
        print(report.text)
        if !report.fileErrors.isEmpty { throw WardenExit.badInput }
        if !report.passed { throw WardenExit.negative }
    }
}

/// Shell-style pattern expansion (`*`, `?`, `[…]`) with POSIX `glob`, sorted; a path without wildcards is
/// returned when it exists.
enum Glob {
    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}

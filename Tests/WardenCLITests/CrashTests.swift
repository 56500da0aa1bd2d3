import Foundation
import Testing
import WardenTestSupport

/// Hardening: a `warden` process killed with SIGKILL at a random moment — while importing, deleting a store,
/// rotating keys, or growing the map while another process reads — never leaves a damaged or partial state:
/// `warden doctor` finds the data consistent and every acknowledged write is there.
@Suite("Hardening: SIGKILL at any moment", .serialized)
struct CrashTests {
    static let model = StoreCLITests.model

    /// Starts warden, waits until it has printed `lines` lines (0: not at all), then a random few milliseconds
    /// more, and kills it with SIGKILL. Returns everything it printed.
    static func killMidway(
        _ arguments: [String], environment: [String: String] = [:], afterLines lines: Int = 0,
        delay: ClosedRange<UInt32>, using generator: inout some RandomNumberGenerator
    ) throws -> [String] {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var received = Data()
        while lines > 0, received.split(separator: UInt8(ascii: "\n")).count < lines {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        usleep(UInt32.random(in: delay, using: &generator))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        received.append(output.fileHandleForReading.readDataToEndOfFile())
        return String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// `warden doctor` finds the directory consistent.
    static func expectConsistent(_ data: String, _ round: String) throws {
        let doctor = try CLITests.run(["doctor", "--data", data])
        #expect(doctor.status == 0, "\(round): \(doctor.stderr)")
        #expect(doctor.stdout.contains("consistent: every table in key order"), "\(round)")
    }

    static func acknowledged(_ lines: [String]) -> Int {
        lines.compactMap { $0.hasPrefix("committed ") ? Int($0.dropFirst(10)) : nil }.last ?? 0
    }

    /// A writer importing in batches is killed at a random moment, five times over one data directory; each time
    /// every acknowledged batch must be there, no partial batch, and the file consistent.
    @Test("a SIGKILLed import loses no acknowledged batch, leaves no partial one, and the file stays consistent")
    func killDuringImport() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let s = ["--data", data.path, "--store", "crash"]
        #expect(try CLITests.run(["store", "create", "crash", "--data", data.path]).status == 0)
        #expect(try CLITests.run(["model", "write", modelPath] + s).status == 0)
        var generator = SystemRandomNumberGenerator()
        let batch = 50
        var expectedBefore = 0
        for round in 0..<5 {
            let lines = (0..<20_000).map { "{\"user\":\"user:u\($0)\",\"relation\":\"manager\",\"object\":\"warehouse:r\(round)\"}" }
            let file = try CLITests.temporaryFile("round\(round).jsonl", lines.joined(separator: "\n"))
            let printed = try Self.killMidway(
                ["tuple", "import", file, "--batch-size", "\(batch)", "--log-batches"] + s,
                afterLines: Int.random(in: 1...300, using: &generator), delay: 0...3_000, using: &generator)
            let acknowledged = Self.acknowledged(printed)
            #expect(acknowledged > 0 && acknowledged < lines.count, "round \(round): the kill did not land mid-import")

            let read = try CLITests.run(["tuple", "read", "--object", "warehouse:r\(round)", "--output", "jsonl"] + s)
            #expect(read.status == 0)
            let stored = Set(read.stdout.split(separator: "\n").map(String.init))
            #expect(stored.count >= acknowledged, "round \(round): \(stored.count) stored, \(acknowledged) acknowledged")
            #expect(stored.count % batch == 0, "round \(round): a partial batch of \(stored.count % batch) tuples")
            #expect(stored == Set(lines.prefix(stored.count)), "round \(round): stored tuples are not the first \(stored.count)")
            let everything = try CLITests.run(["tuple", "read", "--output", "jsonl"] + s)
            let total = everything.stdout.split(separator: "\n").count
            #expect(total == expectedBefore + stored.count, "round \(round): earlier rounds' tuples changed")
            expectedBefore = total
            try Self.expectConsistent(data.path, "import round \(round)")
        }
    }

    @Test("a SIGKILLed store delete removes the whole store or none of it")
    func killDuringStoreDelete() throws {
        var generator = SystemRandomNumberGenerator()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let lines = (0..<20_000).map { "{\"user\":\"user:u\($0)\",\"relation\":\"manager\",\"object\":\"warehouse:w\($0 % 100)\"}" }
        let file = try CLITests.temporaryFile("many.jsonl", lines.joined(separator: "\n"))
        for round in 0..<3 {
            let data = try TemporaryDirectory()
            let s = ["--data", data.path, "--store", "doomed"]
            #expect(try CLITests.run(["store", "create", "doomed", "--data", data.path]).status == 0)
            #expect(try CLITests.run(["store", "create", "kept", "--data", data.path]).status == 0)
            #expect(try CLITests.run(["model", "write", modelPath] + s).status == 0)
            #expect(try CLITests.run(["tuple", "import", file] + s).status == 0)
            _ = try Self.killMidway(["store", "delete"] + s, delay: 5_000...150_000, using: &generator)
            try Self.expectConsistent(data.path, "store delete round \(round)")
            let stores = try CLITests.run(["store", "list", "--data", data.path]).stdout
            #expect(stores.contains("kept"), "round \(round)")
            if stores.contains("doomed") {
                #expect(try CLITests.run(["tuple", "export"] + s).stdout.split(separator: "\n").count == lines.count)
            }
        }
    }

    @Test("a SIGKILLed key rotation leaves one key ring, and a token minted before it still verifies")
    func killDuringRotation() throws {
        var generator = SystemRandomNumberGenerator()
        let data = try TemporaryDirectory()
        let d = ["--data", data.path]
        let tenant = TokenCLITests.tenant
        let minted = try CLITests.run([
            "token", "mint", "--tenant", tenant, "--user", "dr-kim", "--client", "web-portal",
            "--audience", "https://api.health.example", "--scope", "read:patient_history",
        ] + d)
        #expect(minted.status == 0)
        let token = minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for round in 0..<5 {
            _ = try Self.killMidway(["token", "rotate"] + d, delay: 0...60_000, using: &generator)
            try Self.expectConsistent(data.path, "rotation round \(round)")
            let verified = try CLITests.run(["token", "verify", token, "--audience", "https://api.health.example"] + d)
            #expect(verified.status == 0, "round \(round): \(verified.stderr)")
            let jwks = try CLITests.run(["token", "jwks"] + d)
            #expect(jwks.status == 0 && jwks.stdout.contains(#""keys""#), "round \(round)")
        }
    }

    @Test("a writer SIGKILLed while growing the map, with another process reading, loses nothing acknowledged")
    func killDuringMapGrowth() throws {
        var generator = SystemRandomNumberGenerator()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        for round in 0..<3 {
            let data = try TemporaryDirectory()
            let s = ["--data", data.path, "--store", "growing"]
            #expect(try CLITests.run(["store", "create", "growing", "--data", data.path]).status == 0)
            #expect(try CLITests.run(["model", "write", modelPath] + s).status == 0)
            let lines = (0..<20_000).map { "{\"user\":\"user:u\($0)\",\"relation\":\"manager\",\"object\":\"warehouse:g\($0)\"}" }
            let file = try CLITests.temporaryFile("grow\(round).jsonl", lines.joined(separator: "\n"))
            // Another process reads the whole store over and over while the map grows under it.
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: "/bin/sh")
            reader.arguments = [
                "-c", "while :; do \"$0\" tuple export \"$@\" > /dev/null || exit 1; done", CLITests.binary.path,
            ] + s
            try reader.run()
            // A 256 KiB map doubles six times or more during this import.
            let printed = try Self.killMidway(
                ["tuple", "import", file, "--batch-size", "100", "--log-batches"] + s,
                environment: ["WARDEN_MAP_SIZE": "262144"], afterLines: Int.random(in: 20...150, using: &generator),
                delay: 0...3_000, using: &generator)
            #expect(reader.isRunning, "round \(round): the reading process failed while the map grew")
            reader.terminate()
            reader.waitUntilExit()
            let acknowledged = Self.acknowledged(printed)
            #expect(acknowledged >= 2_000, "round \(round): \(acknowledged) acknowledged")
            let stored = try CLITests.run(["tuple", "export"] + s).stdout.split(separator: "\n").count
            #expect(stored >= acknowledged && stored % 100 == 0, "round \(round): \(stored) stored, \(acknowledged) acknowledged")
            try Self.expectConsistent(data.path, "map growth round \(round)")
        }
    }
}

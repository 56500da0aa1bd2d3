import Foundation
import Testing
import WardenModel
import WardenStore
import WardenTestSupport

/// Hardening finding 4: two processes on one data directory never break each other.
@Suite("Hardening: processes sharing a data directory", .serialized)
struct MultiProcessTests {
    static let model = "model\n  schema 1.1\ntype user\ntype document\n  relations\n    define viewer: [user]\n"

    @Test("finding 4: while another process grows the map, this one keeps reading and writing (MDB_MAP_RESIZED)")
    func mapGrownByAnotherProcess() throws {
        let data = try TemporaryDirectory()
        var configuration = LMDBEnvironment.Configuration()
        configuration.mapSize = 1 << 20
        let store = try LMDBTupleStore(path: data.path, configuration: configuration)
        let id = try store.createStore(name: "shared").id
        let first = RelationshipTuple(try TupleKey(object: "document:first", relation: "viewer", user: "user:anne"))
        try store.write(WriteBatch(writes: [first]), store: id)
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let lines = (0..<30_000).map { #"{"user":"user:u\#($0)","relation":"viewer","object":"document:d\#($0)"}"# }
        let tuplesPath = try CLITests.temporaryFile("tuples.jsonl", lines.joined(separator: "\n") + "\n")
        let common = ["--data", data.path, "--store", "shared"]
        #expect(try CLITests.run(["model", "write", modelPath] + common).status == 0)
        let imported = try CLITests.run(["tuple", "import", tuplesPath] + common)
        #expect(imported.status == 0, "\(imported.stderr)")
        // The other process's map is now far larger than this one's 1 MiB: reads and writes here adopt it.
        #expect(store.mapSize == 1 << 20)
        let count = try store.read(store: id) { snapshot in try snapshot.read(ReadFilter(), after: nil, limit: 100_000).tuples.count }
        #expect(count == 30_001)
        let second = RelationshipTuple(try TupleKey(object: "document:second", relation: "viewer", user: "user:anne"))
        try store.write(WriteBatch(writes: [second]), store: id)
        #expect(store.mapSize > 1 << 20)
    }

    @Test("finding 4: two processes minting their first token at once share one key ring")
    func firstKeyRingCreatedOnce() throws {
        for _ in 0..<3 {
            let data = try TemporaryDirectory()
            let processes = (0..<2).map { _ in
                let process = Process()
                process.executableURL = CLITests.binary
                process.arguments = ["token", "jwks", "--data", data.path]
                process.standardOutput = Pipe()
                process.standardError = Pipe()
                return process
            }
            for process in processes { try process.run() }
            let outputs = processes.map { process in
                let data = (process.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
                process.waitUntilExit()
                return String(decoding: data, as: UTF8.self)
            }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 })
            #expect(outputs[0] == outputs[1], "each process must print the one key ring both share")
            let stored = try CLITests.run(["token", "jwks", "--data", data.path]).stdout
            #expect(stored == outputs[0])
        }
    }

    @Test("finding 4: a process opening the store while another is creating it waits for the file, not refusing it as empty")
    func openingWaitsForTheCreator() throws {
        // A finished environment with a key ring, standing in for what the creating process will have written.
        let finished = try TemporaryDirectory()
        let expected = try CLITests.run(["token", "jwks", "--data", finished.path])
        #expect(expected.status == 0)
        // The creator's moment: it holds the opening lock and `data.mdb` exists, still empty.
        let data = try TemporaryDirectory()
        let directory = open(data.path, O_RDONLY | O_DIRECTORY)
        defer { close(directory) }
        #expect(flock(directory, LOCK_EX) == 0)
        let dataFile = data.path + "/data.mdb"
        #expect(FileManager.default.createFile(atPath: dataFile, contents: Data()))
        let opener = Process()
        opener.executableURL = CLITests.binary
        opener.arguments = ["token", "jwks", "--data", data.path]
        let output = Pipe()
        opener.standardOutput = output
        opener.standardError = Pipe()
        try opener.run()
        Thread.sleep(forTimeInterval: 0.3)
        // The creator finishes writing and lets go; the waiting process then reads what it wrote.
        try FileManager.default.removeItem(atPath: dataFile)
        try FileManager.default.copyItem(atPath: finished.path + "/data.mdb", toPath: dataFile)
        #expect(flock(directory, LOCK_UN) == 0)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        opener.waitUntilExit()
        #expect(opener.terminationStatus == 0)
        #expect(printed == expected.stdout)
    }

    /// Runs warden with the data directory `data` visible read-only at `mountPoint` (a private bind mount in a
    /// new mount namespace); nil when this machine does not allow mounting (the test then says it skipped).
    static func runOnReadOnlyMount(data: String, mountPoint: String, _ arguments: [String]) throws -> CLITests.Result? {
        let script = #"mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" || exit 99; shift 2; exec "$@""#
        let result = try CLITests.run(
            program: URL(fileURLWithPath: "/usr/bin/unshare"),
            ["-m", "/bin/sh", "-c", script, "sh", data, mountPoint, CLITests.binary.path] + arguments)
        return result.status == 99 || result.stderr.contains("unshare:") ? nil : result
    }

    @Test("finding 8: on a read-only mount, queries answer (nothing is created or written); a write says why not")
    func readOnlyMount() throws {
        let data = try TemporaryDirectory()
        let mountPoint = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let common = ["--data", data.path, "--store", "docs"]
        #expect(try CLITests.run(["store", "create", "docs", "--data", data.path]).status == 0)
        #expect(try CLITests.run(["model", "write", modelPath] + common).status == 0)
        #expect(try CLITests.run(["tuple", "write", "user:anne", "viewer", "document:1"] + common).status == 0)
        let readOnly = ["--data", mountPoint.path, "--store", "docs"]
        guard let check = try Self.runOnReadOnlyMount(
            data: data.path, mountPoint: mountPoint.path, ["check", "user:anne", "viewer", "document:1"] + readOnly)
        else {
            print("SKIPPED: this machine does not allow a private read-only bind mount (unshare -m); read-only test not run")
            return
        }
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout == "allowed\n")
        let listed = try #require(try Self.runOnReadOnlyMount(
            data: data.path, mountPoint: mountPoint.path, ["list-objects", "user:anne", "viewer", "document"] + readOnly))
        #expect(listed.stdout == "document:1\n")
        let read = try #require(try Self.runOnReadOnlyMount(
            data: data.path, mountPoint: mountPoint.path, ["tuple", "export"] + readOnly))
        #expect(read.stdout == #"{"user":"user:anne","relation":"viewer","object":"document:1"}"# + "\n")
        let stores = try #require(try Self.runOnReadOnlyMount(
            data: data.path, mountPoint: mountPoint.path, ["store", "list", "--data", mountPoint.path]))
        #expect(stores.status == 0 && stores.stdout.contains("docs"))
        let write = try #require(try Self.runOnReadOnlyMount(
            data: data.path, mountPoint: mountPoint.path, ["tuple", "write", "user:bob", "viewer", "document:1"] + readOnly))
        #expect(write.status == 2)
        #expect(write.stderr.hasPrefix("error: "))
        // A query on a directory with no data creates nothing.
        let empty = try TemporaryDirectory()
        let missing = try CLITests.run(["check", "user:anne", "viewer", "document:1", "--data", empty.path + "/none", "--store", "docs"])
        #expect(missing.status == 2)
        #expect(!FileManager.default.fileExists(atPath: empty.path + "/none"))
    }

    @Test("finding 8: a scan that meets keys out of order (a damaged page) fails the export instead of cutting it short")
    func outOfOrderKeysFailExport() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let common = ["--data", data.path, "--store", "docs"]
        #expect(try CLITests.run(["store", "create", "docs", "--data", data.path]).status == 0)
        #expect(try CLITests.run(["model", "write", modelPath] + common).status == 0)
        let lines = (100..<200).map { #"{"user":"user:u\#($0)","relation":"viewer","object":"document:d\#($0)"}"# }
        let tuplesPath = try CLITests.temporaryFile("tuples.jsonl", lines.joined(separator: "\n"))
        #expect(try CLITests.run(["tuple", "import", tuplesPath] + common).status == 0)
        #expect(try CLITests.run(["tuple", "export"] + common).stdout.split(separator: "\n").count == 100)
        // Damage the file the way a bad disk page would: one id's bytes changed in place, so it sorts before its
        // neighbours. LMDB keeps no checksums; only the order tells.
        let file = URL(fileURLWithPath: data.path + "/data.mdb")
        var bytes = try Data(contentsOf: file)
        let original = Data("d150".utf8)
        var damaged = 0
        while let range = bytes.range(of: original) {
            bytes.replaceSubrange(range, with: Data([UInt8(ascii: "d"), 0, 0, 0]))
            damaged += 1
        }
        #expect(damaged > 0)
        try bytes.write(to: file)
        let export = try CLITests.run(["tuple", "export"] + common)
        #expect(export.status == 2)
        #expect(export.stderr.contains("keys out of order: the data file is damaged"))
    }

    @Test("doctor: a consistent directory exits 0 with its facts; a data file others may read exits 1 and says so")
    func doctor() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let common = ["--data", data.path, "--store", "docs"]
        #expect(try CLITests.run(["store", "create", "docs", "--data", data.path]).status == 0)
        #expect(try CLITests.run(["model", "write", modelPath] + common).status == 0)
        #expect(try CLITests.run(["tuple", "write", "user:anne", "viewer", "document:1"] + common).status == 0)
        let healthy = try CLITests.run(["doctor", "--data", data.path])
        #expect(healthy.status == 0)
        let lines = healthy.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "data directory  \(data.path)")
        #expect(lines.contains("permissions     directory 0700, data.mdb 0600, lock.mdb 0600"))
        #expect(lines.contains { $0.hasPrefix("store           docs (") && $0.hasSuffix("): 1 tuples at revision 1") })
        #expect(lines.last == "consistent: every table in key order; forward index, reverse index and changelog agree")
        chmod(data.path + "/data.mdb", 0o644)
        let exposed = try CLITests.run(["doctor", "--data", data.path])
        #expect(exposed.status == 1)
        #expect(exposed.stderr == "problem: \(data.path)/data.mdb is 644: others may read the signing keys (want 0600)\n")
    }
}

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
}


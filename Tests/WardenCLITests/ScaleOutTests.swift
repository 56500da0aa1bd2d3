import Foundation
import Synchronization
import Testing
import WardenTestSupport

/// Several `warden serve` processes on one PostgreSQL database, driven over real HTTP.
@Suite("Scale-out: two servers on one PostgreSQL database", .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
struct ScaleOutTests {
    /// POSTs `body` to `url` with curl; returns the HTTP status and the body.
    static func post(_ url: String, _ body: String) throws -> (status: Int, body: String) {
        let result = try CLITests.run(
            program: URL(fileURLWithPath: "/usr/bin/curl"),
            ["-s", "-m", "10", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "-d", body, url])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func allowed(_ server: String, _ store: String, _ document: String, consistency: String? = nil) throws -> Bool? {
        let extra = consistency.map { #","consistency":"\#($0)""# } ?? ""
        let answer = try post(
            "\(server)/stores/\(store)/check", #"{"tuple_key":{"user":"user:anne","relation":"viewer","object":"document:\#(document)"}\#(extra)}"#)
        return answer.status == 200 ? json(answer.body)["allowed"] as? Bool : nil
    }

    static func write(_ server: String, _ store: String, _ document: String, delete: Bool = false) throws -> Int {
        let key = #"{"user":"user:anne","relation":"viewer","object":"document:\#(document)"}"#
        return try post("\(server)/stores/\(store)/write", delete ? #"{"deletes":{"tuple_keys":[\#(key)]}}"# : #"{"writes":{"tuple_keys":[\#(key)]}}"#).status
    }

    @Test("migrate, then a write through A is seen by B at once with HIGHER_CONSISTENCY and by default within the interval")
    func writesAndDeletesCrossServers() throws {
        let database = try PostgresTestDatabase(migrated: false)
        let unmigrated = try CLITests.run(["store", "list", "--datastore", database.url])
        #expect(unmigrated.status == 2)
        #expect(unmigrated.stderr.contains("holds no Warden schema: run `warden migrate --datastore URL` first"), "\(unmigrated.stderr)")
        let migrate = try CLITests.run(["migrate", "--datastore", database.url])
        #expect(migrate.status == 0)
        #expect(migrate.stdout.hasSuffix("Warden schema version 0 → 2\n"), "\(migrate.stdout)")
        #expect(try CLITests.run(["migrate", "--datastore", database.url]).stdout.hasSuffix("already at Warden schema version 2; nothing to do\n"))

        let unused = try TemporaryDirectory()
        let interval = 1.0
        let options = ["--datastore", database.url, "--cache-invalidation-interval", "\(Int(interval * 1000))ms"]
        let (a, urlA) = try CLITests.startServer(data: unused.path + "/a", options)
        defer { CLITests.stop(a) }
        let (b, urlB) = try CLITests.startServer(data: unused.path + "/b", options)
        defer { CLITests.stop(b) }

        let created = try Self.post("\(urlA)/stores", #"{"name":"shared"}"#)
        #expect(created.status == 201)
        let store = try #require(Self.json(created.body)["id"] as? String)
        let model = #"{"schema_version":"1.1","type_definitions":[{"type":"user"},{"type":"document","relations":{"viewer":{"this":{}}},"metadata":{"relations":{"viewer":{"directly_related_user_types":[{"type":"user"}]}}}}]}"#
        #expect(try Self.post("\(urlA)/stores/\(store)/authorization-models", model).status == 201)

        // A and B have answered "no" and cached it; A writes, and sees its own write at once.
        #expect(try Self.allowed(urlA, store, "1") == false)
        #expect(try Self.allowed(urlB, store, "1") == false)
        #expect(try Self.write(urlA, store, "1") == 200)
        #expect(try Self.allowed(urlA, store, "1") == true)
        #expect(try Self.allowed(urlB, store, "1", consistency: "HIGHER_CONSISTENCY") == true)
        let written = ContinuousClock.now
        var seen = try Self.allowed(urlB, store, "1")
        while seen != true, ContinuousClock.now - written < .seconds(interval + 0.5) {
            usleep(50_000)
            seen = try Self.allowed(urlB, store, "1")
        }
        #expect(seen == true)
        #expect(ContinuousClock.now - written < .seconds(interval + 0.5))

        // B now has "yes" cached; A deletes. With HIGHER_CONSISTENCY B says no at once; by default, no later than the
        // interval after the delete, and never "yes" again after that.
        #expect(try Self.allowed(urlB, store, "1") == true)
        #expect(try Self.write(urlA, store, "1", delete: true) == 200)
        let deleted = ContinuousClock.now
        #expect(try Self.allowed(urlB, store, "1", consistency: "HIGHER_CONSISTENCY") == false)
        usleep(UInt32(interval * 1_000_000) + 100_000)
        #expect(ContinuousClock.now - deleted > .seconds(interval))
        for _ in 0..<10 {
            #expect(try Self.allowed(urlB, store, "1") == false)
            #expect(try Self.allowed(urlA, store, "1") == false)
        }

        // The CLI works on the same database, and doctor checks it.
        let list = try CLITests.run(["store", "list", "--datastore", database.url])
        #expect(list.status == 0)
        #expect(list.stdout.contains(store), "\(list.stdout)")
        let doctor = try CLITests.run(["doctor", "--datastore", database.url])
        #expect(doctor.status == 0, "\(doctor.stderr)")
        #expect(doctor.stdout.contains("store           shared (\(store)): 0 tuples at revision 2"), "\(doctor.stdout)")
        #expect(doctor.stdout.hasSuffix("consistent: every table in key order; forward index, reverse index and changelog agree\n"))
    }

    @Test("server A SIGKILLed while writing: every write it acknowledged is read through B")
    func killedServerLosesNothingAcknowledged() throws {
        let database = try PostgresTestDatabase()
        let unused = try TemporaryDirectory()
        let options = ["--datastore", database.url]
        let (a, urlA) = try CLITests.startServer(data: unused.path + "/a", options)
        defer { CLITests.stop(a) }
        let (b, urlB) = try CLITests.startServer(data: unused.path + "/b", options)
        defer { CLITests.stop(b) }
        let store = try #require(Self.json(try Self.post("\(urlA)/stores", #"{"name":"kill"}"#).body)["id"] as? String)
        let model = #"{"schema_version":"1.1","type_definitions":[{"type":"user"},{"type":"document","relations":{"viewer":{"this":{}}},"metadata":{"relations":{"viewer":{"directly_related_user_types":[{"type":"user"}]}}}}]}"#
        #expect(try Self.post("\(urlA)/stores/\(store)/authorization-models", model).status == 201)

        let acknowledged = Mutex<[Int]>([])
        let writer = Thread {
            var index = 0
            while let status = try? Self.write(urlA, store, "\(index)"), status == 200 {
                acknowledged.withLock { $0.append(index) }
                index += 1
            }
        }
        writer.start()
        while acknowledged.withLock({ $0.count }) < 20 { usleep(10_000) }
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        while writer.isExecuting { usleep(10_000) }
        let written = acknowledged.withLock { $0 }
        #expect(written.count >= 20)
        for index in written {
            #expect(try Self.allowed(urlB, store, "\(index)", consistency: "HIGHER_CONSISTENCY") == true, "document:\(index) was acknowledged")
        }
    }
}

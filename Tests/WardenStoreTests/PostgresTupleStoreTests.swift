import Foundation
import Testing
import WardenModel
import WardenPostgres
import WardenStore
import WardenTestSupport

@Suite("PostgreSQL datastore")
struct PostgresTupleStoreTests {
    static func code(_ body: () throws -> Void) -> StoreError.Code? {
        TupleStoreContract.code(of: body)
    }

    static func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test("URLs: TCP with TLS preferred, a Unix socket directory, pool size, and located refusals")
    func urls() throws {
        let tcp = try PostgresDatastore(url: "postgres://app:s%40cret@db.internal:6432/authz?pool_max_conns=4")
        #expect(tcp.username == "app")
        #expect(tcp.password == "s@cret")
        #expect(tcp.host == "db.internal")
        #expect(tcp.port == 6432)
        #expect(tcp.database == "authz")
        #expect(tcp.tls == .prefer)
        #expect(tcp.maximumConnections == 4)
        #expect(tcp.description == "postgres://app@db.internal:6432/authz")
        let socket = try PostgresDatastore(url: "postgresql://warden@/warden?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql")
        #expect(socket.host == nil)
        #expect(socket.port == 5432)
        #expect(socket.tls == .disable)
        #expect(try PostgresDatastore(url: "postgres://me@localhost").database == "me")
        #expect(Self.message { _ = try PostgresDatastore(url: "mysql://me@localhost/db") }.contains("not a PostgreSQL URL"))
        #expect(Self.message { _ = try PostgresDatastore(url: "postgres://localhost/db") }.contains("names no user"))
        #expect(Self.message { _ = try PostgresDatastore(url: "postgres://me@localhost/db?sslmode=verify") }.contains("sslmode 'verify'"))
        #expect(Self.message { _ = try PostgresDatastore(url: "postgres://me@localhost/db?pool_max_conns=0") }.contains("pool_max_conns '0'"))
        #expect(Self.message { _ = try PostgresDatastore(url: "postgres://me@localhost:70000/db") }.contains("port '70000' is out of range: 1 to 65535"))
        let huge = String(repeating: "9", count: 40)
        #expect(Self.message { _ = try PostgresDatastore(url: "postgres://me@localhost/db?pool_max_conns=\(huge)") }.contains("pool_max_conns '\(huge)'"))
        #expect(Self.message { _ = try PostgresDatastore(url: "postgres://me@localhost:\(huge)/db") }.contains("port '99999999999999999999' is out of range"))
        #expect(try PostgresDatastore(url: "postgres://me@[::1]:6543/db").port == 6543)
        #expect(try PostgresDatastore(url: "postgres://me@[::1]/db").port == 5432)
        #expect(Self.message { _ = try PostgresDatastore(url: String(repeating: "%", count: 100_000)) }.contains("not a PostgreSQL URL"))
    }

    @Test("no server there: a storage error naming it, no crash")
    func unreachable() throws {
        let datastore = try PostgresDatastore(url: "postgres://warden@localhost/warden?host=/nonexistent-warden-socket-dir")
        let text = Self.message { _ = try PostgresTupleStore(datastore) }
        #expect(Self.code { _ = try PostgresTupleStore(datastore) } == .storage)
        #expect(text.contains("cannot connect to postgres://warden@[/nonexistent-warden-socket-dir]:5432/warden"), "\(text)")
    }

    @Test(
        "the schema: refused until migrated, migrations run once, a newer schema refused",
        .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
    func schema() throws {
        let database = try PostgresTestDatabase(migrated: false)
        let bare = Self.message { _ = try PostgresTupleStore(database.datastore) }
        #expect(bare.contains("holds no Warden schema: run `warden migrate --datastore URL` first"), "\(bare)")
        #expect(try PostgresTupleStore.migrate(database.datastore) == .init(from: 0, to: PostgresSchema.version))
        #expect(try PostgresTupleStore.migrate(database.datastore) == .init(from: PostgresSchema.version, to: PostgresSchema.version))
        let tuples = try PostgresTupleStore(database.datastore)
        #expect(try tuples.listStores().isEmpty)
        try database.execute("UPDATE warden_schema SET version = 99")
        #expect(Self.code { _ = try PostgresTupleStore(database.datastore) } == .formatMismatch)
        #expect(Self.message { _ = try PostgresTupleStore(database.datastore) }.contains("version 99, newer than this warden's"))
        #expect(Self.code { _ = try PostgresTupleStore.migrate(database.datastore) } == .formatMismatch)
    }

    @Test(
        "two instances on one database (two processes' view): writes from both serialize, none lost, each visible to the other at once",
        .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
    func twoInstances() throws {
        let database = try PostgresTestDatabase()
        let first = try PostgresTupleStore(database.datastore)
        let second = try PostgresTupleStore(database.datastore)
        let store = try first.createStore(name: "shared").id
        let perWriter = 40
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            let tuples = writer == 0 ? first : second
            for index in 0..<perWriter {
                let key = try! TupleKey(object: "document:\(writer)-\(index)", relation: "viewer", user: "user:anne")
                try! tuples.write(WriteBatch(writes: [RelationshipTuple(key)]), store: store)
            }
        }
        for tuples in [first, second] {
            let (count, revision) = try tuples.read(store: store) { snapshot in
                (try snapshot.read(ReadFilter(), after: nil, limit: 1_000).tuples.count, snapshot.revision)
            }
            #expect(count == 2 * perWriter)
            #expect(revision == Revision(rawValue: UInt64(2 * perWriter)))
        }
        let last = try TupleKey(object: "document:0-0", relation: "viewer", user: "user:anne")
        try first.write(WriteBatch(deletes: [last]), store: store)
        #expect(try second.read(store: store) { snapshot in try snapshot.tuple(last) } == nil)
        // Each instance polls the data version at most every 100 ms; asked afresh, both see the same.
        #expect(second.latestVersion == first.latestVersion)
        #expect(second.currentVersion == first.currentVersion)
    }

    @Test(
        "LISTEN/NOTIFY: another instance's write reaches this one's data version at once, not after the interval",
        .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
    func notifications() throws {
        let database = try PostgresTestDatabase()
        let writer = try PostgresTupleStore(database.datastore)
        let listening = try PostgresTupleStore(database.datastore, cacheInvalidationInterval: .seconds(60))
        let polling = try PostgresTupleStore(database.datastore, cacheInvalidationInterval: .seconds(60), listen: false)
        #expect(writer.notifies && listening.isListening && polling.notifies && !polling.isListening)
        let before = listening.currentVersion
        #expect(polling.currentVersion == before)
        let store = try writer.createStore(name: "notified").id
        try writer.write(WriteBatch(writes: [RelationshipTuple(try TupleKey(object: "document:1", relation: "viewer", user: "user:anne"))]), store: store)
        let written = writer.latestVersion
        #expect(written == before + 2)
        let start = ContinuousClock.now
        while listening.currentVersion != written, ContinuousClock.now - start < .seconds(5) { usleep(5_000) }
        #expect(listening.currentVersion == written)
        #expect(ContinuousClock.now - start < .seconds(5))
        // Without notifications the polled version stands for the whole interval; asked afresh, it moves.
        #expect(polling.currentVersion == before)
        #expect(polling.latestVersion == written)
        #expect(polling.currentVersion == written)
    }

    @Test(
        "A dropped listening connection is replaced: after its backend is terminated, writes are heard at once again",
        .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
    func listenerReconnects() throws {
        let database = try PostgresTestDatabase()
        let writer = try PostgresTupleStore(database.datastore, listen: false)
        let listening = try PostgresTupleStore(
            database.datastore, cacheInvalidationInterval: .seconds(60), listenRetryDelay: .milliseconds(50))
        #expect(listening.isListening && listening.listenerReconnections == 0)
        let terminated = try database.execute(
            "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity "
                + "WHERE datname = current_database() AND query LIKE '%warden: listening on warden_version%' AND pid <> pg_backend_pid()")
        #expect(terminated == ["true"])
        let start = ContinuousClock.now
        while listening.listenerReconnections == 0, ContinuousClock.now - start < .seconds(10) { usleep(5_000) }
        #expect(listening.listenerReconnections == 1 && listening.isListening)
        // The polled version stands for 60 s: only a notification on the new connection can move it.
        let before = listening.currentVersion
        let store = try writer.createStore(name: "after the drop").id
        let written = writer.latestVersion
        #expect(written == before + 1)
        let heard = ContinuousClock.now
        while listening.currentVersion != written, ContinuousClock.now - heard < .seconds(5) { usleep(5_000) }
        #expect(listening.currentVersion == written)
        #expect(try listening.read(store: store) { _ in true })
    }

    @Test(
        "Large batches are copied (COPY) when every key is new, and go the statement way when one is there: outcomes as on memory",
        .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
    func largeBatches() throws {
        let database = try PostgresTestDatabase()
        let postgres = try PostgresTupleStore(database.datastore)
        let memory = MemoryTupleStore()
        func tuples(_ range: ClosedRange<Int>) throws -> [RelationshipTuple] {
            try range.map { RelationshipTuple(try TupleKey(object: "document:\($0)", relation: "viewer", user: "user:u\($0 % 97)")) }
        }
        func count(_ tuples: some TupleStore, _ store: String) throws -> Int {
            try tuples.read(store: store) { snapshot in
                var total = 0
                var token: ContinuationToken?
                repeat {
                    let page = try snapshot.read(ReadFilter(objectType: "document"), after: token, limit: 1_000)
                    total += page.tuples.count
                    token = page.continuation
                } while token != nil
                return total
            }
        }
        let stores = (try postgres.createStore(name: "bulk").id, try memory.createStore(name: "bulk").id)
        // 2,500 new tuples: the copy path, in one transaction with the changelog.
        let first = WriteBatch(writes: try tuples(1...2_500))
        #expect(try postgres.apply(first, store: stores.0).written == 2_500)
        _ = try memory.apply(first, store: stores.1)
        #expect(try count(postgres, stores.0) == 2_500)
        let anne = try UserRef(parsing: "user:u5")
        #expect(try postgres.read(store: stores.0) { try $0.tuples(user: anne, objectType: "document", relation: "viewer").count } == 26)
        // 2,000 more, one of them stored already: refused whole, as on memory, and nothing of it stays.
        let overlapping = WriteBatch(writes: try tuples(2_500...4_499))
        #expect(Self.code { _ = try postgres.apply(overlapping, store: stores.0) } == .tupleExists)
        #expect(Self.code { _ = try memory.apply(overlapping, store: stores.1) } == .tupleExists)
        #expect(try count(postgres, stores.0) == 2_500)
        // Ignoring duplicates, the 1,999 new ones are stored.
        var ignoring = overlapping
        ignoring.onDuplicate = .ignore
        let outcomes = (try postgres.apply(ignoring, store: stores.0), try memory.apply(ignoring, store: stores.1))
        #expect(outcomes.0.written == 1_999 && outcomes.1.written == 1_999)
        #expect(try count(postgres, stores.0) == 4_499)
        let changes = try postgres.read(store: stores.0) { snapshot in
            var total = 0
            var token: ContinuationToken?
            repeat {
                let page = try snapshot.changes(objectType: nil, after: token, limit: 1_000)
                total += page.changes.count
                token = page.changes.isEmpty ? nil : page.continuation
            } while token != nil
            return total
        }
        #expect(changes == 4_499)
    }

    @Test(
        "Schema 1 → 2 adds the nested-group index table; on PostgreSQL the index holds what it holds on memory",
        .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
    func nestedGroupIndex() throws {
        let database = try PostgresTestDatabase()
        _ = try database.execute("DROP TABLE warden_nested_groups")
        _ = try database.execute("UPDATE warden_schema SET version = 1")
        #expect(try PostgresTupleStore.migrate(database.datastore) == PostgresSchema.Migration(from: 1, to: 2))
        let postgres = try PostgresTupleStore(database.datastore)
        let memory = MemoryTupleStore()
        let edges = try ["a#b", "b#c", "c#d", "a#c", "d#a"].map { pair in
            let parts = pair.split(separator: "#")
            return RelationshipTuple(try TupleKey(object: "group:\(parts[0])", relation: "member", user: "group:\(parts[1])#member"))
        }
        let stores = (try postgres.createStore(name: "nested").id, try memory.createStore(name: "nested").id)
        try postgres.write(WriteBatch(writes: edges), store: stores.0)
        try memory.write(WriteBatch(writes: edges), store: stores.1)
        try postgres.write(WriteBatch(deletes: [edges[3].key]), store: stores.0)
        try memory.write(WriteBatch(deletes: [edges[3].key]), store: stores.1)
        for from in ["a", "b", "c", "d"] {
            for to in ["a", "b", "c", "d"] {
                let hops = try postgres.read(store: stores.0) { try $0.nestedHops(type: "group", relation: "member", from: from, to: to) }
                #expect(hops == (try memory.read(store: stores.1) { try $0.nestedHops(type: "group", relation: "member", from: from, to: to) }))
            }
        }
        #expect(try postgres.read(store: stores.0) { try $0.nestedHops(type: "group", relation: "member", from: "a", to: "d") } == 3)
        #expect(try postgres.checkConsistency().problems.isEmpty)
    }
}

import Foundation
import Testing
import Warden
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// Tuples that expire: access ends at the instant (the cache included), the sweeper's deletes are changes, and
/// the expiry travels through tuple files, reads and the changelog.
@Suite("Expiring tuples")
struct ExpiringTupleTests {
    static let model = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define owner: [user]\n    define viewer: [user] or owner\n"
    static let instant: UInt64 = 1_900_000_000_000

    static func setUp() throws -> (TemporaryDirectory, Warden, String) {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "s").id
        _ = try warden.writeModel(try DSLParser.parseModel(model), store: store)
        return (data, warden, store)
    }

    static func tuple(_ object: String, _ relation: String, _ user: String, expires: UInt64?) throws -> RelationshipTuple {
        RelationshipTuple(try TupleKey(object: object, relation: relation, user: user), expiresAtMilliseconds: expires)
    }

    @Test("before its instant it counts; at and after, no: direct, through a rewrite, and from the check cache", arguments: [true, false])
    func accessEndsAtTheInstant(owner: Bool) throws {
        let (_, warden, store) = try Self.setUp()
        let clock = warden.tuples.snapshotFactory.clock
        clock.set(milliseconds: Self.instant - 1)
        try warden.write(WriteBatch(writes: [try Self.tuple("doc:1", owner ? "owner" : "viewer", "user:anne", expires: Self.instant)]), store: store)
        let request = CheckRequest(user: .object(ObjectRef(type: "user", id: "anne")), relation: "viewer", object: ObjectRef(type: "doc", id: "1"))
        let cache = try #require(warden.engine.cache)
        #expect(try warden.check(request, store: store).allowed)
        let hits = cache.statistics.hits
        #expect(try warden.check(request, store: store).allowed)
        #expect(cache.statistics.hits == hits + 1, "the walked answer is cached until the instant")
        clock.set(milliseconds: Self.instant)
        #expect(try !warden.check(request, store: store).allowed)
        clock.set(milliseconds: Self.instant + 1)
        #expect(try !warden.check(request, store: store).allowed)
        #expect(try warden.tuples.readAny(store: store) { try $0.tuple(try TupleKey(object: "doc:1", relation: owner ? "owner" : "viewer", user: "user:anne")) } == nil)
        // Read and ListObjects no longer show it either.
        #expect(try warden.listObjects(ListObjectsRequest(user: request.user, relation: "viewer", objectType: "doc"), store: store).objects.isEmpty)
    }

    @Test("the sweeper deletes what expired, records the deletes as changes, and leaves the rest")
    func sweeperRecordsDeletes() throws {
        let (_, warden, store) = try Self.setUp()
        let clock = warden.tuples.snapshotFactory.clock
        clock.set(milliseconds: Self.instant - 10)
        try warden.write(
            WriteBatch(writes: [
                try Self.tuple("doc:1", "viewer", "user:anne", expires: Self.instant),
                try Self.tuple("doc:2", "viewer", "user:anne", expires: Self.instant + 1_000),
                try Self.tuple("doc:3", "viewer", "user:anne", expires: nil),
            ]), store: store)
        #expect(try warden.tuples.sweepExpired(store: store).deleted == 0)
        clock.set(milliseconds: Self.instant)
        let swept = try warden.tuples.sweepExpired(store: store)
        #expect(swept.deleted == 1)
        #expect(try warden.tuples.sweepExpired(store: store).deleted == 0)
        let changes = try warden.tuples.readAny(store: store) { try $0.changes(objectType: nil, after: nil, limit: 10).changes }
        #expect(changes.map(\.operation) == [TupleChange.Operation.write, .write, .write, .delete])
        #expect(changes.last?.tuple.key.object.id == "1")
        #expect(changes.last?.tuple.expiresAtMilliseconds == Self.instant)
        #expect(changes.first?.tuple.expiresAtMilliseconds == Self.instant)
        clock.set(milliseconds: nil)
        clock.set(milliseconds: Self.instant + 1_000)
        #expect(try warden.tuples.sweepExpired(store: store).deleted == 1)
        let left = try warden.tuples.readAny(store: store) { try $0.read(ReadFilter(objectType: "doc"), after: nil, limit: 10).tuples }
        #expect(left.map(\.key.object.id) == ["3"])
        #expect(try warden.tuples.checkConsistency().problems.isEmpty)
    }

    @Test("a tuple written over an expired one (not swept yet) replaces it: its end is logged as a delete first")
    func writeOverExpired() throws {
        let (_, warden, store) = try Self.setUp()
        let clock = warden.tuples.snapshotFactory.clock
        clock.set(milliseconds: Self.instant - 1)
        try warden.write(WriteBatch(writes: [try Self.tuple("doc:1", "viewer", "user:anne", expires: Self.instant)]), store: store)
        #expect(throws: StoreError.self) {
            try warden.write(WriteBatch(writes: [try Self.tuple("doc:1", "viewer", "user:anne", expires: nil)]), store: store)
        }
        clock.set(milliseconds: Self.instant)
        try warden.write(WriteBatch(writes: [try Self.tuple("doc:1", "viewer", "user:anne", expires: nil)]), store: store)
        let changes = try warden.tuples.readAny(store: store) { try $0.changes(objectType: nil, after: nil, limit: 10).changes }
        #expect(changes.map(\.operation) == [TupleChange.Operation.write, .delete, .write])
        #expect(changes.map(\.tuple.expiresAtMilliseconds) == [Self.instant, Self.instant, nil])
        #expect(try warden.tuples.sweepExpired(store: store).deleted == 0)
        #expect(try warden.tuples.checkConsistency().problems.isEmpty)
    }

    @Test("expires_at in tuple files and the API's JSON: read, shown back in UTC, refused when not RFC 3339")
    func expiresAtInJSON() throws {
        let tuple = try TupleFile.tuple(
            from: JSONValue.parse(#"{"user":"user:anne","relation":"viewer","object":"doc:1","expires_at":"2030-03-17T18:46:40+01:00"}"#))
        #expect(tuple.expiresAtMilliseconds == 1_900_000_000_000)
        #expect(TupleFile.json(tuple).compact == #"{"user":"user:anne","relation":"viewer","object":"doc:1","expires_at":"2030-03-17T17:46:40.000Z"}"#)
        #expect(throws: (any Error).self) {
            try TupleFile.tuple(from: JSONValue.parse(#"{"user":"user:anne","relation":"viewer","object":"doc:1","expires_at":"tomorrow"}"#))
        }
        // Before 1970, past year 9999, a huge string, a number, hostile bytes: each a located refusal, never a trap.
        for hostile in [#""1969-12-31T23:59:59Z""#, #""+275760-09-13T00:00:00Z""#, "\"" + String(repeating: "9", count: 1_000_000) + "\"", "12345",
            #""2030-03-17T18:46:40\u0000Z""#]
        {
            let text = #"{"user":"user:anne","relation":"viewer","object":"doc:1","expires_at":"# + hostile + "}"
            #expect(throws: (any Error).self) { try TupleFile.tuple(from: JSONValue.parse(text)) }
        }
        #expect(TupleExpiry.parse("9999-12-31T23:59:59Z") == 253_402_300_799_000)
        #expect(TupleExpiry.duration("30d") == 2_592_000_000)
        #expect(TupleExpiry.duration("0s") == nil && TupleExpiry.duration("5w") == nil && TupleExpiry.duration("99999999999999d") == nil)
    }
}

import Foundation
import Testing
import Warden
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// The data directory under bad input, concurrent use and damaged files: clear errors, nothing stored lost.
@Suite("Warden data safety")
struct WardenStoreSafetyTests {
    static let model = """
        model
          schema 1.1
        type user
        type group
          relations
            define member: [user]
        type doc
          relations
            define viewer: [user, group#member, user with ok]
        condition ok(note: string) {
          note != ""
        }
        """

    static func open(_ directory: TemporaryDirectory) throws -> (Warden, String) {
        let warden = try Warden(dataDirectory: directory.path)
        let store = try warden.createStore(name: "safety").id
        _ = try warden.writeModel(try DSLParser.parseModel(model), store: store)
        return (warden, store)
    }

    static func tuple(_ object: String, _ relation: String, _ user: String, condition: TupleCondition? = nil) -> RelationshipTuple {
        RelationshipTuple(TupleKey(object: try! ObjectRef(parsing: object), relation: relation, user: try! UserRef(parsing: user)), condition: condition)
    }

    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("bad tuples are refused with a message naming them, and nothing stored is lost")
    func badTuples() throws {
        let directory = try TemporaryDirectory()
        let (warden, store) = try Self.open(directory)
        try warden.write(WriteBatch(writes: [Self.tuple("doc:keep", "viewer", "user:anne")]), store: store)
        let longID = String(repeating: "x", count: 300)
        let cases: [(RelationshipTuple, String)] = [
            (RelationshipTuple(TupleKey(object: ObjectRef(type: "doc", id: longID), relation: "viewer", user: .object(ObjectRef(type: "user", id: "a")))),
             "Invalid tuple 'doc:\(longID)#viewer@user:a'. Reason: the object is longer than 256 bytes"),
            (Self.tuple("doc:1", "viewer", "robot:r2"), "Invalid tuple 'doc:1#viewer@robot:r2'. Reason: type 'robot' not found"),
            (Self.tuple("folder:1", "viewer", "user:a"), "Invalid tuple 'folder:1#viewer@user:a'. Reason: type 'folder' not found"),
            (Self.tuple("doc:1", "editor", "user:a"), "Invalid tuple 'doc:1#editor@user:a'. Reason: relation 'doc#editor' not found"),
            (Self.tuple("doc:1", "viewer", "user:*"), "Invalid tuple 'doc:1#viewer@user:*'. Reason: the typed wildcard 'user:*' is not an allowed type restriction for 'doc#viewer'"),
            (Self.tuple("doc:1", "viewer", "group:g#owner"), "Invalid tuple 'doc:1#viewer@group:g#owner'. Reason: relation 'group#owner' not found"),
            (Self.tuple("doc:1", "viewer", "user:a", condition: TupleCondition(name: "nope")), "Invalid tuple 'doc:1#viewer@user:a'. Reason: undefined condition"),
            (Self.tuple("group:g", "member", "group:g#member"), "Invalid tuple 'group:g#member@group:g#member'. Reason: cannot write a tuple that is implicit"),
            (Self.tuple("doc:1", "viewer", "user:a", condition: TupleCondition(name: "ok", context: .object([("note", .string(String(repeating: "n", count: 1 << 20)))]))),
             "Invalid tuple 'doc:1#viewer@user:a'. Reason: the condition context is larger than 32768 bytes"),
        ]
        for (bad, expected) in cases {
            let batch = WriteBatch(writes: [Self.tuple("doc:new", "viewer", "user:bob"), bad])
            #expect(Self.message { try warden.write(batch, store: store) } == expected)
        }
        let stored = try warden.read(ReadFilter(), store: store).tuples.map(\.description)
        #expect(stored == ["doc:keep#viewer@user:anne"])
    }

    @Test("ids with separators or control bytes do not parse", arguments: [
        ("doc:a#b", "invalid reference 'doc:a#b': the object id 'a#b' must be non-empty and hold no whitespace, control character, '#' or ':'"),
        ("doc:a\u{0}b", "invalid reference 'doc:a\\u{0}b': the object id 'a\\u{0}b' must be non-empty and hold no whitespace, control character, '#' or ':'"),
        ("doc:a\nb", "invalid reference 'doc:a\\u{A}b': the object id 'a\\u{A}b' must be non-empty and hold no whitespace, control character, '#' or ':'"),
        ("doc:a:b", "invalid reference 'doc:a:b': the object id 'a:b' must be non-empty and hold no whitespace, control character, '#' or ':'"),
    ])
    func malformedIDs(_ text: String, _ expected: String) {
        #expect(Self.message { _ = try ObjectRef(parsing: text) } == expected)
    }

    @Test("readers on snapshots never see half a batch while a writer commits")
    func concurrentReaders() async throws {
        let directory = try TemporaryDirectory()
        let (warden, store) = try Self.open(directory)
        let batches = 200
        let perBatch = 10
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for batch in 0..<batches {
                    let writes = (0..<perBatch).map { Self.tuple("doc:\(batch)-\($0)", "viewer", "user:u\($0)") }
                    try warden.write(WriteBatch(writes: writes), store: store)
                }
                return batches
            }
            for _ in 0..<3 {
                group.addTask {
                    var reads = 0
                    var last: UInt64 = 0
                    while last < UInt64(batches) {
                        let (revision, count) = try warden.tuples.readAny(store: store) { snapshot in
                            (snapshot.revision.rawValue, try snapshot.read(ReadFilter(objectType: "doc"), after: nil, limit: 10_000).tuples.count)
                        }
                        // One snapshot: exactly the tuples of the batches committed by its revision, never a part.
                        #expect(count == Int(revision) * perBatch)
                        #expect(revision >= last)
                        last = revision
                        reads += 1
                    }
                    return reads
                }
            }
            var total = 0
            for try await value in group { total += value }
            #expect(total > batches)
        }
    }

    @Test("data survives reopening")
    func reopen() throws {
        let directory = try TemporaryDirectory()
        let store: String
        do {
            let (warden, id) = try Self.open(directory)
            store = id
            try warden.write(WriteBatch(writes: [Self.tuple("doc:1", "viewer", "user:anne")]), store: store)
        }
        let reopened = try Warden(dataDirectory: directory.path)
        #expect(try reopened.read(ReadFilter(), store: store).tuples.map(\.description) == ["doc:1#viewer@user:anne"])
        #expect(try reopened.check(.init(user: UserRef(parsing: "user:anne"), relation: "viewer", object: ObjectRef(parsing: "doc:1")), store: store).allowed)
    }

    @Test("a truncated data file is refused with a clear error, not a crash")
    func truncatedFile() throws {
        let directory = try TemporaryDirectory()
        do {
            let (warden, store) = try Self.open(directory)
            let writes = (0..<5_000).map { Self.tuple("doc:\($0)", "viewer", "user:u\($0)") }
            try warden.write(WriteBatch(writes: writes), store: store)
        }
        let file = directory.path + "/data.mdb"
        let handle = try #require(FileHandle(forWritingAtPath: file))
        try handle.truncate(atOffset: 16_384)
        try handle.close()
        let message = Self.message { _ = try Warden(dataDirectory: directory.path) }
        #expect(message?.hasPrefix("the data file is damaged or not a Warden store:") == true)
        #expect(message?.contains("data.mdb failed: the file is truncated: 16384 bytes, and its data needs") == true, "\(message ?? "")")
    }

    @Test("a foreign or corrupted file is refused with a clear error")
    func corruptedFile() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x5A, count: 64 * 1024).write(to: URL(fileURLWithPath: directory.path + "/data.mdb"))
        let message = Self.message { _ = try Warden(dataDirectory: directory.path) }
        #expect(message?.hasPrefix("the data file is damaged or not a Warden store:") == true)
    }
}

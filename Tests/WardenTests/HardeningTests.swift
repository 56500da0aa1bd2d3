import Foundation
import Testing
import Warden
import WardenConditions
import WardenModel
import WardenScopes
import WardenStore
import WardenTestSupport

/// The hardening findings that a library call shows; each test is named after its finding.
@Suite("Hardening", .serialized)
struct HardeningTests {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test("finding 1: the data directory is 0700 and its files 0600, whatever the umask")
    func privateKeysArePrivate() throws {
        let parent = try TemporaryDirectory()
        let data = parent.path + "/data"
        let previous = umask(0)
        defer { umask(previous) }
        let warden = try Warden(dataDirectory: data)
        _ = try warden.keyRing()
        #expect(try Self.mode(data) == 0o700)
        #expect(try Self.mode(data + "/data.mdb") == 0o600)
        #expect(try Self.mode(data + "/lock.mdb") == 0o600)
    }

    @Test("finding 1: files an older version left 0644 are tightened when opened")
    func looseFilesTightened() throws {
        let data = try TemporaryDirectory()
        do { _ = try LMDBTupleStore(path: data.path) }
        chmod(data.path + "/data.mdb", 0o644)
        _ = try LMDBTupleStore(path: data.path)
        #expect(try Self.mode(data.path + "/data.mdb") == 0o600)
    }

    static func opened(_ path: String, passphrase: String?) throws -> Warden {
        var configuration = Warden.Configuration()
        configuration.keyPassphrase = passphrase.map { Array($0.utf8) }
        return try Warden(dataDirectory: path, configuration: configuration)
    }

    @Test("finding 1: with a passphrase the signing keys are encrypted at rest; without it, or with a wrong one, they do not open")
    func keysEncryptedAtRest() throws {
        let data = try TemporaryDirectory()
        let active: String
        do {
            let warden = try Self.opened(data.path, passphrase: "correct horse")
            active = try #require(try warden.keyRing().active?.id)
        }
        let file = try Data(contentsOf: URL(fileURLWithPath: data.path + "/data.mdb"))
        #expect(file.range(of: Data("PRIVATE KEY".utf8)) == nil)
        #expect(file.range(of: Data("warden-keyring-v1".utf8)) != nil)
        do {
            let warden = try Self.opened(data.path, passphrase: nil)
            #expect(throws: KeyRingSealing.Failure(
                description: "the signing keys are encrypted: set WARDEN_KEY_PASSPHRASE (or WARDEN_KEY_PASSPHRASE_FILE)")
            ) { try warden.keyRing() }
        }
        do {
            let warden = try Self.opened(data.path, passphrase: "wrong horse")
            #expect(throws: KeyRingSealing.Failure(
                description: "the key passphrase does not open the signing keys (wrong passphrase, or damaged keys)")
            ) { try warden.keyRing() }
        }
        do {
            let warden = try Self.opened(data.path, passphrase: "correct horse")
            #expect(try warden.keyRing().active?.id == active)
            let rotated = try warden.rotateKeys(overlap: 60)
            #expect(rotated.keys.count == 2 && rotated.keys.first?.id == active)
        }
        let after = try Data(contentsOf: URL(fileURLWithPath: data.path + "/data.mdb"))
        #expect(after.range(of: Data("PRIVATE KEY".utf8)) == nil)
    }

    @Test("finding 1: a key ring stored before a passphrase was set is sealed on its next use")
    func plainRingSealedLater() throws {
        let data = try TemporaryDirectory()
        let active: String
        do { active = try #require(try Self.opened(data.path, passphrase: nil).keyRing().active?.id) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: data.path + "/data.mdb")).range(of: Data("PRIVATE KEY".utf8)) != nil)
        do { #expect(try Self.opened(data.path, passphrase: "later").keyRing().active?.id == active) }
        do {
            let store = try LMDBTupleStore(path: data.path)
            let stored = try #require(try store.document(named: "signing-keys"))
            #expect(KeyRingSealing.isSealed(stored))
            #expect(String(decoding: stored, as: UTF8.self).contains("PRIVATE KEY") == false)
        }
    }

    @Test("finding 3: CEL duration negation at Int64.min and timestamp arithmetic overflow are errors, not traps",
        arguments: [
            "-d > duration('0s')",
            "t - d > t",
            "t + d > t",
            "timestamp('9999-12-31T23:59:59Z') - timestamp('0001-01-01T00:00:00Z') > d",
        ])
    func celOverflow(_ expression: String) throws {
        let definition = ConditionDefinition(
            name: "c", parameters: [ConditionParameter(name: "d", type: .duration), ConditionParameter(name: "t", type: .timestamp)],
            expression: expression)
        let condition = try CompiledCondition(definition)
        let context: [String: JSONValue] = ["d": .string("-2562047h47m16.854775808s"), "t": .string("2000-01-01T00:00:00Z")]
        #expect(throws: ConditionError.self) { try condition.evaluate(context: context) }
    }

    @Test("finding 3: a store whose map cannot grow fails a write with an error, never a crash, and keeps its data")
    func mapFullIsAnError() throws {
        let data = try TemporaryDirectory()
        var configuration = LMDBEnvironment.Configuration()
        configuration.mapSize = 1 << 20
        configuration.maximumMapSize = 1 << 20
        let store = try LMDBTupleStore(path: data.path, configuration: configuration)
        let id = try store.createStore(name: "full").id
        try store.write(WriteBatch(writes: [try Self.tuple(0)]), store: id)
        for size in [20_000, 40_000, 80_000] {
            #expect(throws: StoreError.self) { try store.write(WriteBatch(writes: (1...size).map(Self.tuple)), store: id) }
        }
        let kept = try store.read(store: id) { snapshot in try snapshot.tuple(try Self.tuple(0).key) }
        #expect(kept != nil)
    }

    static func tuple(_ index: Int) throws -> RelationshipTuple {
        RelationshipTuple(try TupleKey(object: "document:d\(index)", relation: "viewer", user: "user:u\(index)"))
    }

    @Test("finding 4: a document is read and rewritten in one transaction (the key ring's creation and rotation)")
    func atomicDocumentUpdate() throws {
        let data = try TemporaryDirectory()
        let store = try LMDBTupleStore(path: data.path)
        let group = DispatchGroup()
        for _ in 0..<8 {
            DispatchQueue.global().async(group: group) {
                for _ in 0..<25 {
                    _ = try? store.updateDocument(named: "counter") { current throws(StoreError) in
                        let value = Int(String(decoding: current ?? Array("0".utf8), as: UTF8.self)) ?? 0
                        return Array(String(value + 1).utf8)
                    }
                }
            }
        }
        group.wait()
        #expect(String(decoding: try store.document(named: "counter") ?? [], as: UTF8.self) == "200")
    }

    @Test("finding 9: tuple files refuse unknown and repeated keys at their line, in JSONL as in JSON", arguments: [
        ("t.jsonl", "{\"user\":\"user:a\",\"relation\":\"viewer\",\"object\":\"doc:1\"}\n{\"user\":\"user:a\",\"user\":\"user:b\",\"relation\":\"viewer\",\"object\":\"doc:2\"}\n", 2, "the key 'user' appears twice in a tuple"),
        ("t.jsonl", "{\"user\":\"user:a\",\"relation\":\"viewer\",\"object\":\"doc:1\",\"condtion\":{}}\n", 1, "unknown key 'condtion' in a tuple"),
        ("t.yaml", "- user: user:a\n  relation: viewer\n  object: doc:1\n  condition: {name: c, contxt: {}}\n", nil, "unknown key 'contxt' in a tuple's condition"),
    ])
    func strictTupleFiles(_ name: String, _ text: String, _ line: Int?, _ message: String) {
        do {
            _ = try TupleFile.parse(text, file: name)
            Issue.record("\(name) must be refused")
        } catch {
            if let line { #expect(error.line == line) }
            #expect(error.message.hasPrefix(message), "\(error)")
        }
    }
}

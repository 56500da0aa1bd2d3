import Foundation
import Testing
import Warden
import WardenTestSupport

/// Store files are read as strictly as `fga model test` reads them: an unknown key anywhere is an error at its
/// line and column, never silently ignored (a misspelt `contextual_tuples` would otherwise drop tuples unseen).
@Suite("Store file strictness")
struct StoreFileStrictnessTests {
    static let head = """
        name: s
        model: |
          model
            schema 1.1
          type user
          type doc
            relations
              define viewer: [user]

        """

    static func failure(_ text: String) -> StoreFile.Failure? {
        do {
            _ = try StoreFile.parse(text, path: "s.fga.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test("unknown keys are refused at their line and column, at every level", arguments: [
        ("bogus: 1\ntests: []\n", 9, 1, "unknown key 'bogus' in the store file"),
        ("tests:\n  - name: t\n    tuple_files: []\n", 11, 5, "unknown key 'tuple_files' in a test"),
        ("tests:\n  - name: t\n    check:\n      - user: user:u\n        object: doc:1\n        contextual_tuples: []\n        assertions: {viewer: false}\n",
         14, 9, "unknown key 'contextual_tuples' in a check"),
        ("tests:\n  - name: t\n    list_objects:\n      - {user: 'user:u', type: doc, relation: viewer, assertions: {viewer: []}}\n",
         12, 37, "unknown key 'relation' in a list_objects entry"),
        ("tuples:\n  - {user: 'user:u', relation: viewer, object: 'doc:1', extra: 1}\ntests: []\n", 10, 57, "unknown key 'extra' in a tuple"),
        ("tests:\n  - name: t\n    list_users:\n      - {object: 'doc:1', user_filter: [{type: user, x: 1}], assertions: {viewer: {users: []}}}\n",
         12, 54, "unknown key 'x' in a user_filter"),
    ])
    func unknownKeys(_ tail: String, _ line: Int, _ column: Int, _ message: String) throws {
        let failure = try #require(Self.failure(Self.head + tail))
        #expect(failure.line == line)
        #expect(failure.column == column)
        #expect(failure.message.hasPrefix(message), "\(failure)")
        #expect(failure.description.hasPrefix("s.fga.yaml:\(line):\(column): error: \(message)"))
    }

    @Test("the keys fga knows pass: description, test-level tuple_file, top-level tuple_files")
    func knownKeys() {
        #expect(Self.failure(Self.head + "tuple_files: []\ntests:\n  - name: t\n    description: d\n    check: []\n") == nil)
    }

    @Test("the corpus' store files: valid ones load, the one with extra properties is refused")
    func corpusStoreFiles() throws {
        guard Fixtures.corpusPresent(for: "store-file corpus"), let root = Fixtures.conformance else { return }
        let folder = root.appendingPathComponent("dsl/invalid/store-files")
        #expect(throws: Never.self) { try StoreFile.load(path: folder.appendingPathComponent("00-valid-model/store.fga.yaml").path) }
        #expect(throws: Never.self) { try StoreFile.load(path: folder.appendingPathComponent("01-valid-model-file/store.fga.yaml").path) }
        #expect(throws: StoreFile.Failure.self) { try StoreFile.load(path: folder.appendingPathComponent("02-missing-model/store.fga.yaml").path) }
        let text = try String(contentsOf: folder.appendingPathComponent("03-additional-properties/store.fga.yaml"), encoding: .utf8)
        let extra = try #require(Self.failure(text))
        #expect(extra.message.hasPrefix("unknown key "))
    }
}

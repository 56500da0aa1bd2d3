import Foundation
import Testing
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// Ids and names compare by UTF-8 bytes, as OpenFGA (Go) compares them, never by Swift's canonical equivalence:
/// `"\u{E9}"` (é, NFC) and `"e\u{301}"` (e + combining acute, NFD) are different users, groups and folders, on the
/// memory store and on LMDB alike.
@Suite("Byte semantics for ids")
struct ByteSemanticsTests {
    static let nfc = "\u{E9}"
    static let nfd = "e\u{301}"

    /// Groups and recursive folders, as the behaviour tests use them.
    static let model = CheckBehaviourTests.folders

    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, lmdb
        var testDescription: String { rawValue }

        func fixture(_ tuples: [String]) throws -> EngineFixture {
            try fixture(model: try DSLParser.parseModel(ByteSemanticsTests.model), tuples)
        }

        func fixture(model: AuthorizationModel, _ tuples: [String]) throws -> EngineFixture {
            switch self {
            case .memory: return try EngineFixture(model: model, tuples: tuples)
            case .lmdb:
                let directory = try TemporaryDirectory("warden-bytes")
                return try EngineFixture(model: model, tuples: tuples, store: LMDBTupleStore(path: directory.path), keeping: directory)
            }
        }
    }

    @Test("a tuple for group:é (NFC) grants nothing on group:é (NFD), and the reverse", arguments: Backend.allCases)
    func groupsDiffer(_ backend: Backend) throws {
        let fixture = try backend.fixture(["folder:f#viewer@group:\(Self.nfc)#member", "group:\(Self.nfc)#member@user:anne"])
        #expect(try fixture.check("user:anne", "viewer", "folder:f").allowed)
        #expect(try !fixture.check("group:\(Self.nfd)#member", "viewer", "folder:f").allowed)
        #expect(try !fixture.check("user:anne", "member", "group:\(Self.nfd)").allowed)
        #expect(try fixture.check("user:anne", "member", "group:\(Self.nfc)").allowed)
    }

    @Test("two folders named é (NFC and NFD) stay two folders during a walk", arguments: Backend.allCases)
    func foldersStayApart(_ backend: Backend) throws {
        let fixture = try backend.fixture([
            "folder:\(Self.nfc)#viewer@user:anne", "folder:child#parent@folder:\(Self.nfd)",
            "folder:\(Self.nfd)#viewer@user:bob",
        ])
        #expect(try !fixture.check("user:anne", "viewer", "folder:child").allowed)
        #expect(try fixture.check("user:bob", "viewer", "folder:child").allowed)
        #expect(try !fixture.check("user:bob", "viewer", "folder:\(Self.nfc)").allowed)
        let listed = try fixture.read { snapshot in
            try CheckBehaviourTests.listObjects(
                ListObjectsRequest(user: UserRef(parsing: "user:bob"), relation: "viewer", objectType: "folder"), fixture, snapshot)
        }
        #expect(listed.objects.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            == ["folder:child", "folder:\(Self.nfd)"].map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test("Å as U+212B (Angstrom sign) and U+00C5, and K as U+212A (Kelvin sign) and ASCII K, are different ids",
        arguments: Backend.allCases)
    func compatibilityLookalikes(_ backend: Backend) throws {
        let fixture = try backend.fixture(["folder:\u{212B}#viewer@user:\u{212A}"])
        #expect(try fixture.check("user:\u{212A}", "viewer", "folder:\u{212B}").allowed)
        #expect(try !fixture.check("user:K", "viewer", "folder:\u{212B}").allowed)
        #expect(try !fixture.check("user:\u{212A}", "viewer", "folder:\u{C5}").allowed)
    }

    /// JSON models (OpenFGA's API) allow any name without ':', '#', '@' or whitespace: two types, or two relations,
    /// may differ only by Unicode normalisation, and the store's name dictionary must keep them apart.
    @Test("types K and K (Kelvin sign), and relations é (NFC) and é (NFD), are different names", arguments: Backend.allCases)
    func lookalikeNames(_ backend: Backend) throws {
        let model = try ModelJSON.decode(text: """
            {"schema_version": "1.1", "type_definitions": [
              {"type": "user"},
              {"type": "K", "relations": {"\(Self.nfc)": {"this": {}}, "\(Self.nfd)": {"this": {}}},
               "metadata": {"relations": {
                 "\(Self.nfc)": {"directly_related_user_types": [{"type": "user"}]},
                 "\(Self.nfd)": {"directly_related_user_types": [{"type": "user"}]}}}},
              {"type": "\u{212A}", "relations": {"\(Self.nfc)": {"this": {}}},
               "metadata": {"relations": {"\(Self.nfc)": {"directly_related_user_types": [{"type": "user"}]}}}}]}
            """)
        #expect(ModelValidator().diagnose(model).isEmpty, "OpenFGA's server accepts these as different names")
        // The Kelvin-sign type's tuple is written first, so its names are interned first.
        let fixture = try backend.fixture(model: model, ["\u{212A}:1#\(Self.nfc)@user:anne", "K:1#\(Self.nfd)@user:bob"])
        #expect(try fixture.check("user:anne", Self.nfc, "\u{212A}:1").allowed)
        #expect(try !fixture.check("user:anne", Self.nfc, "K:1").allowed)
        #expect(try fixture.check("user:bob", Self.nfd, "K:1").allowed)
        #expect(try !fixture.check("user:bob", Self.nfc, "K:1").allowed)
        let stored = try fixture.read { snapshot in try snapshot.read(ReadFilter(), after: nil, limit: 10).tuples.map(\.description) }
        #expect(stored.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            == ["\u{212A}:1#\(Self.nfc)@user:anne", "K:1#\(Self.nfd)@user:bob"].map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test("ids OpenFGA's server accepts: a lone combining mark, ',', U+00A0, U+2028", arguments: Backend.allCases)
    func unusualIDs(_ backend: Backend) throws {
        let ids = ["\u{301}", "x,y", "a\u{A0}b", "a\u{2028}b"]
        let fixture = try backend.fixture(ids.map { "folder:\($0)#viewer@user:\($0)" })
        for id in ids {
            #expect(try fixture.check("user:\(id)", "viewer", "folder:\(id)").allowed)
        }
        #expect(try !fixture.check("user:x,y", "viewer", "folder:\u{301}").allowed)
    }

    @Test("'type:' followed by a combining mark splits at the ':' byte")
    func colonWithCombiningMark() throws {
        let object = try ObjectRef(parsing: "doc:\u{301}x")
        #expect(object.type == "doc")
        #expect(Array(object.id.utf8) == Array("\u{301}x".utf8))
        let user = try UserRef(parsing: "group:\u{301}#member")
        #expect(user == .userset(ObjectRef(type: "group", id: "\u{301}"), relation: "member"))
    }

    @Test("equality and hashing of references are by bytes")
    func referenceIdentity() {
        let nfc = ObjectRef(type: "doc", id: Self.nfc)
        let nfd = ObjectRef(type: "doc", id: Self.nfd)
        #expect(nfc != nfd)
        #expect(Set([nfc, nfd]).count == 2)
        #expect(UserRef.object(nfc) != UserRef.object(nfd))
        #expect(ByteString(Self.nfc) != ByteString(Self.nfd))
        #expect(Self.nfc == Self.nfd, "Swift's own == is canonical equivalence, which is why Warden does not use it")
    }

    @Test("a typed wildcard is never the object of a check, nor inside a userset user")
    func wildcardRequests() throws {
        let fixture = try Backend.memory.fixture([])
        #expect(throws: CheckError(.validation, "invalid relation: the 'object' field cannot reference a typed wildcard")) {
            try fixture.check("user:anne", "viewer", "folder:*")
        }
        #expect(throws: TupleReferenceError.self) { try UserRef(parsing: "group:*#member") }
        #expect(throws: InvalidTupleError(
            tuple: try EngineFixture.tuple("folder:*#viewer@user:anne").key,
            reason: "the 'object' field cannot reference a typed wildcard")
        ) { try fixture.model.validator.validate(try EngineFixture.tuple("folder:*#viewer@user:anne")) }
        #expect(throws: InvalidTupleError(
            tuple: try EngineFixture.tuple("folder:f#viewer@user:anne").key,
            reason: #"invalid RelationshipCondition.Name: value does not match regex pattern "^[^\s]{2,256}$""#)
        ) {
            var tuple = try EngineFixture.tuple("folder:f#viewer@user:anne")
            tuple.condition = TupleCondition(name: "c")
            try fixture.model.validator.validate(tuple)
        }
    }

    @Test("a contextual tuple given twice is refused by Check")
    func duplicateContextualTuple() throws {
        let fixture = try Backend.memory.fixture([])
        #expect(throws: CheckError(.validation, "Duplicate contextual tuple in request: folder:f#viewer@user:anne.")) {
            try fixture.check("user:anne", "viewer", "folder:f", contextual: ["folder:f#viewer@user:anne", "folder:f#viewer@user:anne"])
        }
    }
}

import Testing
import WardenModel
@testable import WardenEngine

/// ``RelationTable``: relations found by type and name bytes, scanned in small types and hashed in large ones.
@Suite("Relation lookup")
struct RelationTableTests {
    static let nfc = "r\u{E9}"
    static let nfd = "re\u{301}"

    /// `small` has 3 relations (scanned), `large` 20 plus the two spellings of "ré" (hashed). Built as JSON: the
    /// DSL takes ASCII names only.
    static func model() throws -> CompiledModel {
        func type(_ name: String, _ relations: [String]) -> String {
            let defined = relations.map { "\"\($0)\": {\"this\": {}}" }.joined(separator: ", ")
            let restricted = relations.map { "\"\($0)\": {\"directly_related_user_types\": [{\"type\": \"user\"}]}" }
                .joined(separator: ", ")
            return "{\"type\": \"\(name)\", \"relations\": {\(defined)}, \"metadata\": {\"relations\": {\(restricted)}}}"
        }
        let large = (0..<20).map { "r\($0)" } + [nfc, nfd]
        let json = """
            {"schema_version": "1.1", "type_definitions": [{"type": "user"}, \(type("small", ["a", nfc, "b"])), \(type("large", large))]}
            """
        return CompiledModel(try ModelJSON.decode(text: json))
    }

    @Test("every relation of a small and a large type is found, under its own name, and no other")
    func found() throws {
        let model = try Self.model()
        for name in ["a", Self.nfc, "b"] { #expect(model.relation("small", name)?.name == name) }
        for index in 0..<20 { #expect(model.relation("large", "r\(index)")?.name == "r\(index)") }
        #expect(model.relation("small", "r0") == nil)
        #expect(model.relation("large", "a") == nil)
        #expect(model.relation("large", "r20") == nil)
        #expect(model.relation("user", "a") == nil)
        #expect(model.relation("missing", "a") == nil)
    }

    @Test("names are matched by bytes: ré (NFC) and ré (NFD) are two relations, and NFD is not NFC's in a small type")
    func bytes() throws {
        let model = try Self.model()
        #expect(model.relation("large", Self.nfc)?.name.utf8.elementsEqual(Self.nfc.utf8) == true)
        #expect(model.relation("large", Self.nfd)?.name.utf8.elementsEqual(Self.nfd.utf8) == true)
        #expect(model.relation("small", Self.nfc) != nil)
        #expect(model.relation("small", Self.nfd) == nil)
    }
}

import Foundation
import Testing
import WardenModel
import WardenTestSupport

/// OpenFGA's DSL ⇄ JSON pairs (`conformance/dsl/transform`): each DSL converts to JSON equal to the expected
/// file as data, each JSON prints as the expected DSL, and DSL → JSON → DSL → JSON is stable.
@Suite("DSL ⇄ JSON transform corpus")
struct TransformCorpusTests {
    static let cases: [String] = Fixtures.corpusFiles("dsl/transform", extension: "fga").map {
        $0.deletingPathExtension().lastPathComponent
    }

    static func pair(_ name: String) throws -> (dsl: String, json: String) {
        let base = try #require(Fixtures.conformance).appendingPathComponent("dsl/transform")
        return (
            try Fixtures.text(base.appendingPathComponent(name + ".fga")),
            try Fixtures.text(base.appendingPathComponent(name + ".json"))
        )
    }

    @Test("the corpus is present, or the skip is said out loud")
    func corpusPresence() {
        if Fixtures.corpusPresent(for: "transform corpus") {
            #expect(Self.cases.count == 29)
        }
    }

    @Test("DSL → JSON equals OpenFGA's JSON", arguments: cases)
    func dslToJSON(name: String) throws {
        let (dsl, json) = try Self.pair(name)
        let model = try DSLParser.parseModel(dsl, file: name + ".fga")
        let expected = try JSONValue.parse(json)
        #expect(ModelJSON.encode(model).canonical == expected.canonical)
    }

    @Test("JSON → DSL equals OpenFGA's DSL", arguments: cases)
    func jsonToDSL(name: String) throws {
        let (dsl, json) = try Self.pair(name)
        let model = try ModelJSON.decode(text: json)
        #expect(try DSLPrinter.print(model) == dsl.trimmingCharacters(in: .newlines) + "\n")
    }

    @Test("DSL → JSON → DSL → JSON is stable", arguments: cases)
    func roundTrip(name: String) throws {
        let (dsl, _) = try Self.pair(name)
        let first = ModelJSON.encode(try DSLParser.parseModel(dsl))
        let printed = try DSLPrinter.print(try ModelJSON.decode(first))
        let second = ModelJSON.encode(try DSLParser.parseModel(printed))
        #expect(first == second)
    }
}

import Testing
import WardenModel

/// The parser's own rules, with exact outcomes: trees, positions and messages.
@Suite("DSL parser")
struct ParserTests {
    static let header = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n"

    static func parse(_ relations: String) throws(ModelError) -> AuthorizationModel {
        try DSLParser.parseModel(header + relations)
    }

    static func firstError(_ text: String) -> Diagnostic? {
        do {
            _ = try DSLParser.parseModel(text)
            return nil
        } catch {
            return error.diagnostics.first
        }
    }

    @Test("operators build the tree they spell, parentheses nest")
    func operators() throws {
        let model = try Self.parse(
            "    define a: [user]\n    define b: [user]\n    define c: [user] or a or b\n"
                + "    define d: (a and b) but not c\n")
        let doc = try #require(model.typeDefinition(named: "doc"))
        #expect(doc.relation(named: "c")?.rewrite.withoutRanges == .union([.direct(nil), .computedUserset(relation: "a", range: nil), .computedUserset(relation: "b", range: nil)]))
        #expect(
            doc.relation(named: "d")?.rewrite.withoutRanges
                == .exclusion(
                    base: .intersection([.computedUserset(relation: "a", range: nil), .computedUserset(relation: "b", range: nil)]),
                    subtract: .computedUserset(relation: "c", range: nil)))
    }

    @Test("type restrictions: plain, wildcard, userset, conditioned")
    func restrictions() throws {
        let model = try Self.parse("    define a: [user, user:*, doc#a, user with c, user:* with c]\ncondition c(x: int) {\n  x < 1\n}\n")
        let restrictions = try #require(model.typeDefinition(named: "doc")?.relation(named: "a")).directlyRelatedUserTypes
        #expect(restrictions.map(\.text) == ["user", "user:*", "doc#a", "user with c", "user:* with c"])
        #expect(restrictions[2].range == SourceRange(start: .init(line: 5, column: 29), end: .init(line: 5, column: 34)))
    }

    @Test("mixing operators without parentheses is an error at the second operator")
    func mixedOperators() {
        let error = Self.firstError(Self.header + "    define a: [user]\n    define b: a and a or a\n")
        #expect(error?.range?.start == SourcePosition(line: 6, column: 22))
        #expect(error?.message == "'and' and 'or' cannot be mixed without parentheses: group them, as in '(a and b) or c'")
    }

    @Test("'but not' cannot be chained")
    func chainedExclusion() {
        let error = Self.firstError(Self.header + "    define a: [user]\n    define b: a but not a but not a\n")
        #expect(error?.range?.start == SourcePosition(line: 6, column: 26))
    }

    @Test("type restrictions only lead a definition")
    func directNotFirst() {
        let error = Self.firstError(Self.header + "    define a: [user]\n    define b: a or [user]\n")
        #expect(error?.range?.start == SourcePosition(line: 6, column: 19))
        #expect(error?.symbol == "[user]")
    }

    @Test("comments are ignored wherever they stand; '#' inside a userset is not a comment")
    func comments() throws {
        let model = try DSLParser.parseModel(
            "# top\nmodel # header\n  schema 1.1 # version\ntype user # t\ntype doc\n  # inside\n  relations\n    define a: [doc#b] # tail\n    define b: [user]\n")
        #expect(model.typeDefinition(named: "doc")?.relation(named: "a")?.directlyRelatedUserTypes.first?.relation == "b")
    }

    @Test("condition bodies keep their text; braces inside strings do not close them")
    func conditionBody() throws {
        let model = try DSLParser.parseModel(
            "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define a: [user with c]\ncondition c(x: string, y: map<int>, z: list<ipaddress>) {\n  x == \"}{\" &&\n  y[\"k\"] > 1\n}\n")
        let condition = try #require(model.condition(named: "c"))
        #expect(condition.expression == "x == \"}{\" &&\n  y[\"k\"] > 1")
        #expect(condition.parameters.map(\.type) == [.string, .map(.int), .list(.ipaddress)])
    }

    @Test("diagnostics print compiler style, 1-based")
    func diagnosticDescription() {
        let diagnostic = Diagnostic(
            kind: .missingDefinition, message: "the relation `owner` does not exist.", symbol: "owner",
            range: SourceRange(file: "model.fga", start: .init(line: 6, column: 23), end: .init(line: 6, column: 28)))
        #expect(diagnostic.description == "model.fga:7:24: error: the relation `owner` does not exist.")
    }

    @Test("a module file given as a model asks for its manifest")
    func moduleAsModel() {
        let error = Self.firstError("module core\n\ntype user\n")
        #expect(error?.kind == .schemaVersionRequired)
    }
}

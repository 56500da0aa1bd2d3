import Testing
import WardenModel

/// Models accepted and refused exactly as OpenFGA's CLI and server (`fga model validate`) accept and refuse them;
/// each expectation is what `fga` v0.8.2 answered for the same text.
@Suite("Model acceptance as OpenFGA's server")
struct OpenFGAAcceptanceTests {
    static func diagnose(_ relations: String, tail: String = "") -> [Diagnostic] {
        let text = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n" + relations + tail
        do {
            return ModelError(ModelValidator().diagnose(try DSLParser.parseModel(text))).diagnostics
        } catch {
            return error.diagnostics
        }
    }

    static func errors(_ diagnostics: [Diagnostic]) -> [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    @Test("repeated operands and restrictions, unused conditions and long names are warnings: the server runs them",
        arguments: [
            "    define r0: [user]\n    define r1: r0 or r0\n",
            "    define r0: [user]\n    define r1: [user] or r0 or r0\n",
            "    define p0: [doc]\n    define r0: [user]\n    define r1: r0 from p0 or r0 from p0\n",
            "    define r0: [user, user]\n",
            "    define r0: [user]\n    define " + String(repeating: "a", count: 60) + ": [user]\n",
        ])
    func warnings(_ relations: String) {
        let diagnostics = Self.diagnose(relations)
        #expect(!diagnostics.isEmpty)
        #expect(Self.errors(diagnostics).isEmpty, "\(diagnostics)")
        #expect(throws: ModelError.self) { try ModelValidator().validate(try DSLParser.parseModel(
            "model\n  schema 1.1\ntype user\ntype doc\n  relations\n" + relations), strict: true) }
    }

    @Test("an unused condition is a warning")
    func unusedCondition() {
        let diagnostics = Self.diagnose("    define r0: [user]\n", tail: "condition c(x: int) {\n  x < 1\n}\n")
        #expect(diagnostics.map(\.kind) == [.conditionNotUsed])
        #expect(diagnostics.map(\.severity) == [.warning])
    }

    @Test("computed usersets that cycle with no tuple in between are refused (error 'cannot contain a cycle')",
        arguments: [
            ("    define a: [user] or b\n    define b: a\n", ["a", "b"]),
            ("    define x: [user]\n    define a: x or b\n    define b: x or c\n    define c: x or a\n    define d: a\n",
             ["a", "b", "c", "d"]),
            ("    define a: [user] or a\n", ["a"]),
        ])
    func computedCycles(_ relations: String, _ refused: [String]) {
        let errors = Self.errors(Self.diagnose(relations))
        #expect(errors.allSatisfy { $0.kind == .relationCycle })
        #expect(errors.compactMap(\.symbol) == refused)
        #expect(errors.first?.message
            == "the definition of relation '\(refused[0])' in object type 'doc' is invalid: an authorization model cannot contain a cycle")
    }

    @Test("with 'and' or 'but not' the same cycle has no entry point ('potential loop', as fga answers)",
        arguments: ["    define a: [user] and b\n    define b: a\n", "    define x: [user]\n    define a: x but not b\n    define b: a\n"])
    func loopsWithoutEntryPoint(_ relations: String) {
        let errors = Self.errors(Self.diagnose(relations))
        #expect(errors.first?.message == "`a` is an impossible relation for `doc` (potential loop).")
    }

    @Test("a cycle through a tuple (a userset or a parent) is no cycle")
    func cycleThroughTuples() {
        #expect(Self.diagnose("    define parent: [doc]\n    define a: [user, doc#a] or a from parent\n").isEmpty)
    }

    @Test("keywords of OpenFGA's lexer name nothing: a syntax error at the name",
        arguments: ["from", "with", "or", "and", "define", "relations", "in", "true", "false", "null", "condition"])
    func keywordRelationNames(_ keyword: String) {
        let diagnostics = Self.diagnose("    define \(keyword): [user]\n")
        #expect(diagnostics.first?.kind == .syntaxError)
        #expect(diagnostics.first?.range?.start.line == 5)
        #expect(diagnostics.first?.range?.start.column == 11)
    }

    @Test("words the lexer leaves as identifiers still name relations and types",
        arguments: ["type", "model", "schema", "but", "not", "module", "extend", "relation", "map", "int"])
    func identifierWords(_ word: String) {
        #expect(Self.errors(Self.diagnose("    define \(word): [user]\n")).isEmpty)
    }

    @Test("a type named 'condition' is a syntax error")
    func typeNamedCondition() throws {
        #expect(throws: ModelError.self) {
            try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype condition\n  relations\n    define x: [user]\n")
        }
    }

    @Test("the DSL has no 'any' parameter type, alone or inside a container", arguments: ["any", "map<any>", "list<any>"])
    func noAnyInDSL(_ type: String) {
        let diagnostics = Self.diagnose("    define x: [user with c]\n", tail: "condition c(a: \(type)) {\n  a == a\n}\n")
        #expect(diagnostics.first?.kind == .syntaxError)
    }

    @Test("a condition or parameter named like a parameter type is a syntax error", arguments: ["map", "int", "list"])
    func conditionHeadKeywords(_ word: String) {
        #expect(Self.diagnose("    define x: [user with \(word)]\n", tail: "condition \(word)(p: int) {\n  p < 2\n}\n")
            .first?.kind == .syntaxError)
        #expect(Self.diagnose("    define x: [user with c]\n", tail: "condition c(\(word): int) {\n  1 < 2\n}\n")
            .first?.kind == .syntaxError)
    }
}

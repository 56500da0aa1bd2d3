import Foundation
import Testing
import WardenModel
import WardenTestSupport

/// OpenFGA's validation cases (`conformance/dsl/invalid`): every problem the language package reports is found at
/// the line the corpus gives (for semantic errors: every expected line, with the same error type), and the model is
/// accepted exactly where OpenFGA's CLI and server accept it (`fga_cli_validate.is_valid`); `strict` refuses every
/// case the language package reports.
@Suite("DSL validation corpus")
struct InvalidCorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let index: Int
        let name: String
        let text: String
        /// (0-based line, errorType) of each expected error.
        let expected: [ExpectedError]
        /// What `fga model validate` answered, when the corpus recorded it.
        let fgaAccepts: Bool?
        var testDescription: String { "\(file) #\(index): \(name)" }
    }

    struct ExpectedError: Sendable {
        let line: Int
        let kind: String?
    }

    static func load(_ file: String, textKey: String) -> [Case] {
        let cases = (try? Fixtures.yamlCases("dsl/invalid/\(file)")) ?? []
        return cases.enumerated().compactMap { index, raw in
            if raw["skip"] as? Bool == true { return nil }
            guard let text = raw[textKey] as? String else { return nil }
            let errors = (raw["expected_errors"] as? [[String: Any]] ?? []).map { error in
                let line = (error["line"] as? [String: Any])?["start"] as? Int ?? 0
                let kind = (error["metadata"] as? [String: Any])?["errorType"] as? String
                return ExpectedError(line: line, kind: kind)
            }
            let fgaAccepts = (raw["fga_cli_validate"] as? [String: Any])?["is_valid"] as? Bool
            return Case(
                file: file, index: index, name: raw["name"] as? String ?? "", text: text, expected: errors,
                fgaAccepts: fgaAccepts)
        }
    }

    static let syntaxCases = load("dsl-syntax.yaml", textKey: "dsl")
    static let semanticCases = load("dsl-semantic.yaml", textKey: "dsl")
    static let jsonCases = load("json-semantic.yaml", textKey: "json")

    /// Parses and validates a DSL text; the diagnostics (warnings included), or empty when clean.
    static func diagnose(_ text: String) -> [Diagnostic] {
        do {
            let model = try DSLParser.parseModel(text)
            return ModelError(ModelValidator().diagnose(model)).diagnostics
        } catch {
            return error.diagnostics
        }
    }

    /// Whether Warden accepts the text as a model (warnings pass).
    static func accepts(_ diagnostics: [Diagnostic]) -> Bool {
        !diagnostics.contains { $0.severity == .error }
    }

    /// Checks acceptance against `fga model validate`, and that strict validation refuses every reported case.
    static func expectOpenFGAAcceptance(_ testCase: Case, _ diagnostics: [Diagnostic]) {
        let openFGAAccepts = testCase.fgaAccepts ?? testCase.expected.isEmpty
        #expect(accepts(diagnostics) == openFGAAccepts, "fga model validate says is_valid=\(openFGAAccepts); got \(diagnostics)")
        if !testCase.expected.isEmpty { #expect(!diagnostics.isEmpty, "strict validation must refuse it") }
        if openFGAAccepts, testCase.expected.isEmpty { #expect(diagnostics.isEmpty, "expected a clean model, got \(diagnostics)") }
    }

    @Test("the corpus is present, or the skip is said out loud")
    func corpusPresence() {
        if Fixtures.corpusPresent(for: "validation corpus") {
            #expect(Self.syntaxCases.count == 81)
            #expect(Self.semanticCases.count == 84)
        }
    }

    @Test("syntax cases: valid texts pass, invalid ones fail first at the expected line", arguments: syntaxCases)
    func syntax(_ testCase: Case) {
        let diagnostics = Self.diagnose(testCase.text)
        Self.expectOpenFGAAcceptance(testCase, diagnostics)
        guard let firstExpected = testCase.expected.first else { return }
        #expect(!diagnostics.isEmpty, "expected an error at line \(firstExpected.line + 1)")
        let lines = Set(diagnostics.compactMap { $0.range?.start.line })
        #expect(lines.contains(firstExpected.line), "expected an error at line \(firstExpected.line + 1), got \(diagnostics)")
    }

    @Test("semantic cases: every expected error is reported at its line with its type", arguments: semanticCases)
    func semantic(_ testCase: Case) {
        let diagnostics = Self.diagnose(testCase.text)
        Self.expectOpenFGAAcceptance(testCase, diagnostics)
        for expected in testCase.expected {
            let found = diagnostics.contains {
                $0.range?.start.line == expected.line && (expected.kind == nil || $0.kind.rawValue == expected.kind)
            }
            #expect(found, "expected \(expected.kind ?? "an error") at line \(expected.line + 1), got \(diagnostics)")
        }
    }

    @Test("JSON semantic cases are rejected with the expected error type", arguments: jsonCases)
    func json(_ testCase: Case) {
        var diagnostics: [Diagnostic]
        do {
            diagnostics = ModelValidator().diagnose(try ModelJSON.decode(text: testCase.text))
        } catch {
            diagnostics = error.diagnostics
        }
        // "multiple modules in one file" is a JSON → DSL transformation problem: the model itself is accepted.
        let accepted = testCase.expected.allSatisfy { $0.kind == "multiple-modules-in-file" }
        #expect(Self.accepts(diagnostics) == (testCase.fgaAccepts ?? accepted), "got \(diagnostics)")
        for expected in testCase.expected where expected.kind != "multiple-modules-in-file" {
            #expect(diagnostics.contains { $0.kind.rawValue == expected.kind }, "expected \(expected.kind ?? "?"), got \(diagnostics)")
        }
    }
}

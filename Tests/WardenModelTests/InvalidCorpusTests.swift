import Foundation
import Testing
import WardenModel
import WardenTestSupport

/// OpenFGA's validation cases (`conformance/dsl/invalid`): valid texts parse and validate; invalid ones are
/// rejected at the line the corpus gives (for semantic errors: every expected line, with the same error type).
@Suite("DSL validation corpus")
struct InvalidCorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let index: Int
        let name: String
        let text: String
        /// (0-based line, errorType) of each expected error.
        let expected: [ExpectedError]
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
            return Case(file: file, index: index, name: raw["name"] as? String ?? "", text: text, expected: errors)
        }
    }

    static let syntaxCases = load("dsl-syntax.yaml", textKey: "dsl")
    static let semanticCases = load("dsl-semantic.yaml", textKey: "dsl")
    static let jsonCases = load("json-semantic.yaml", textKey: "json")

    /// Parses and validates a DSL text; the diagnostics, or empty when valid.
    static func diagnose(_ text: String) -> [Diagnostic] {
        do {
            let model = try DSLParser.parseModel(text)
            return ModelError(ModelValidator().diagnose(model)).diagnostics
        } catch {
            return error.diagnostics
        }
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
        guard let firstExpected = testCase.expected.first else {
            #expect(diagnostics.isEmpty, "expected a valid model, got \(diagnostics)")
            return
        }
        #expect(!diagnostics.isEmpty, "expected an error at line \(firstExpected.line + 1)")
        let lines = Set(diagnostics.compactMap { $0.range?.start.line })
        #expect(lines.contains(firstExpected.line), "expected an error at line \(firstExpected.line + 1), got \(diagnostics)")
    }

    @Test("semantic cases: every expected error is reported at its line with its type", arguments: semanticCases)
    func semantic(_ testCase: Case) {
        let diagnostics = Self.diagnose(testCase.text)
        if testCase.expected.isEmpty {
            #expect(diagnostics.isEmpty, "expected a valid model, got \(diagnostics)")
            return
        }
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
        if testCase.expected.isEmpty {
            #expect(diagnostics.isEmpty, "expected a valid model, got \(diagnostics)")
        }
        for expected in testCase.expected where expected.kind != "multiple-modules-in-file" {
            #expect(diagnostics.contains { $0.kind.rawValue == expected.kind }, "expected \(expected.kind ?? "?"), got \(diagnostics)")
        }
    }
}

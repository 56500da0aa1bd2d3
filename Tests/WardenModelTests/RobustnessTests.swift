import Foundation
import Testing
import WardenModel
import WardenTestSupport

/// Bad input never traps: each of these gets an error (or a model), never a crash or a hang.
@Suite("Robustness on bad input")
struct RobustnessTests {
    /// Parses and validates; returns the diagnostics (empty when the model is valid).
    static func diagnose(_ text: String) -> [Diagnostic] {
        do {
            return ModelValidator().diagnose(try DSLParser.parseModel(text))
        } catch {
            return error.diagnostics
        }
    }

    @Test("an empty file, and one of blank lines and comments, are errors")
    func empty() {
        #expect(Self.diagnose("").first?.message == "the model is empty: expected a 'model' header (or 'module NAME')")
        #expect(Self.diagnose("\n   \n# only a comment\n").first?.kind == .syntaxError)
    }

    @Test("binary garbage is an error")
    func garbage() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 1...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(!Self.diagnose(String(decoding: bytes, as: UTF8.self)).isEmpty)
        }
    }

    @Test("a 10 MB file is an error, not a hang")
    func huge() {
        let line = "    define r: [user] or r2 or r3 or r4 or r5 or r6 or r7 or r8 or r9 or r10 or r11 or r12 or r13\n"
        let body = String(repeating: line, count: 10_000_000 / line.utf8.count)
        let diagnostics = Self.diagnose("model\n  schema 1.1\ntype user\ntype doc\n  relations\n" + body)
        #expect(diagnostics.contains { $0.kind == .duplicatedError })
        let longName = "model\n  schema 1.1\ntype " + String(repeating: "a", count: 10_000_000) + "\n"
        #expect(Self.diagnose(longName).map(\.kind) == [.invalidName])
    }

    @Test("finding 9: a 500 KB line of repeated operands is read in linear time (no quadratic column search)")
    func longLine() throws {
        let operands = Array(repeating: "a", count: 100_000).joined(separator: " or ")
        let text = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define a: [user]\n    define r: [user] or \(operands)\n"
        let started = ContinuousClock.now
        let diagnostics = Self.diagnose(text)
        #expect(diagnostics.allSatisfy { $0.severity == .warning && $0.kind == .duplicatedError })
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.range?.start.line == 6)
        #expect(diagnostics.first?.range?.start.column == 24)
        #expect(ContinuousClock.now - started < .seconds(30), "a hang guard, not a speed target")
    }

    @Test("1,000-deep parentheses are an error")
    func deepParentheses() {
        let expression = String(repeating: "(", count: 1000) + "a" + String(repeating: ")", count: 1000)
        let diagnostics = Self.diagnose("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define a: [user]\n    define b: \(expression)\n")
        #expect(diagnostics.first?.message == "parentheses nest deeper than 200 levels")
    }

    @Test("1,000-deep JSON rewrites are an error")
    func deepJSON() {
        var rewrite = #"{"computedUserset":{"relation":"a"}}"#
        for _ in 0..<1000 { rewrite = #"{"union":{"child":[\#(rewrite)]}}"# }
        let json = #"{"schema_version":"1.1","type_definitions":[{"type":"doc","relations":{"b":\#(rewrite)}}]}"#
        #expect(throws: ModelError.self) { try ModelJSON.decode(text: json) }
    }

    @Test("unterminated blocks are errors at their start", arguments: [
        ("condition c(x: int) {\n  x < 1\n", 6),
        ("condition c(x: int\n", 7),
        ("type doc2\n  relations\n    define a: [user\n", 9),
        ("type doc2\n  relations\n    define a: (user or doc\n", 8),
    ])
    func unterminated(tail: String, line: Int) {
        let diagnostics = Self.diagnose("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define a: [user with c]\n" + tail)
        #expect(diagnostics.first?.range?.start.line == line, "\(diagnostics)")
    }

    /// Seeds for mutation: the repository's models and, when present, the whole DSL corpus.
    static let seeds: [String] = {
        var texts: [String] = []
        for folder in ["warehouse", "care-unit"] {
            let url = Fixtures.repositoryRoot.appendingPathComponent("models/\(folder)/model.fga")
            if let text = try? Fixtures.text(url) { texts.append(text) }
        }
        for url in Fixtures.corpusFiles("dsl/transform", extension: "fga") {
            if let text = try? Fixtures.text(url) { texts.append(text) }
        }
        return texts
    }()

    @Test("random mutations of the corpus never trap, and whatever validates prints and re-parses to the same model")
    func mutationFuzz() throws {
        var generator = SeededGenerator(seed: 2026)
        let alphabet = Array(" \n\t()[]{}:#*,<>\"'orandbutnotfromwithdefine relations type model schema 1.1".utf8)
        var validCount = 0
        for seed in Self.seeds {
            for _ in 0..<150 {
                var bytes = Array(seed.utf8)
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: bytes.remove(at: index)
                    case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                    case 2: bytes[index] = alphabet.randomElement(using: &generator)!
                    default:
                        let end = min(bytes.count, index + Int.random(in: 1...40, using: &generator))
                        bytes.insert(contentsOf: bytes[index..<end], at: end)
                    }
                }
                let text = String(decoding: bytes, as: UTF8.self)
                guard let model = try? DSLParser.parseModel(text), ModelValidator().diagnose(model).isEmpty else { continue }
                validCount += 1
                let printed = try DSLPrinter.print(model)
                let reparsed = try DSLParser.parseModel(printed)
                #expect(ModelJSON.encode(reparsed).canonical == ModelJSON.encode(model).canonical, "mutant:\n\(text)")
            }
        }
        #expect(validCount > 0)
    }
}

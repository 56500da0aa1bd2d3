import Foundation
import Testing
import WardenConditions
import WardenModel
import WardenTestSupport

/// CEL cases labelled by OpenFGA's own engine (`Tests/Differential/conditions.py` runs `fga model test`):
/// `matches` with RE2's syntax, semantics and error messages, and where the evaluation cost limit stops a condition.
@Suite("CEL against OpenFGA")
struct CELDifferentialTests {
    static func cases(_ name: String) throws -> [[String: JSONValue]] {
        try Fixtures.repositoryObjects("Tests/Fixtures/conditions/\(name).json")
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    static func model(_ expression: String, parameters: String) throws -> AuthorizationModel {
        try DSLParser.parseModel("""
            model
              schema 1.1
            type user
            type doc
              relations
                define viewer: [user with cc]
            condition cc(\(parameters)) {
              \(expression)
            }
            """)
    }

    @Test("finding 7: matches answers as RE2 does, and refuses what RE2 refuses with Go's message")
    func regexCorpus() throws {
        let cases = try Self.cases("regex")
        #expect(cases.count >= 100)
        for item in cases {
            let pattern = try #require(Self.string(item["pattern"]))
            let text = try #require(Self.string(item["text"]))
            if let error = Self.string(item["error"]) {
                guard error.hasPrefix("error parsing regexp") else { continue }  // a context refusal, tested in the engine
                #expect(throws: RegexSyntaxError.self, "\(pattern)") { try RegexProgram(pattern) }
                do {
                    _ = try RegexProgram(pattern)
                } catch {
                    #expect(error.description == Self.string(item["error"]), "\(pattern)")
                }
            } else if case .bool(let expected)? = item["matches"] {
                #expect(try RegexProgram(pattern).matches(text) == expected, "\(pattern) on \(text.debugDescription)")
                let condition = try CompiledCondition(
                    try #require(try Self.model("s.matches(p)", parameters: "s: string, p: string").conditions.first))
                #expect(try condition.evaluate(context: ["s": .string(text), "p": .string(pattern)]) == expected)
            }
        }
    }

    @Test("finding 7: a constant pattern RE2 refuses is a model error, as OpenFGA's server refuses the model")
    func constantPatternRefused() throws {
        let model = try Self.model("s.matches('a\\\\1')", parameters: "s: string")
        let diagnostics = ConditionValidation.diagnose(model)
        #expect(diagnostics.map(\.message) == ["condition 'cc': error parsing regexp: invalid escape sequence: `\\1`"])
    }

    @Test("finding 7: a backtracking pattern on a long text answers (linear time, no backtracking)")
    func noBacktracking() throws {
        let text = String(repeating: "a", count: 100_000) + "b"
        #expect(try RegexProgram("^(a|aa)*$").matches(text) == false)
        #expect(try RegexProgram("^(a*)*$").matches(text) == false)
        #expect(try RegexProgram("(x+x+)+y").matches(String(repeating: "x", count: 50_000)) == false)
    }

    @Test("finding 7: the cost limit stops a condition exactly where OpenFGA's does (work, not nodes)")
    func costCorpus() throws {
        let cases = try Self.cases("cost")
        #expect(cases.count >= 300)
        for item in cases {
            let term = try #require(Self.string(item["term"]))
            let parameters = try #require(Self.string(item["parameters"]))
            guard case .number(let count)? = item["terms"], let terms = Int(count) else { continue }
            let expression = Array(repeating: term, count: terms).joined(separator: " && ")
            let model = try Self.model(expression, parameters: parameters)
            if Self.string(item["refused"]) != nil {
                #expect(!ConditionValidation.diagnose(model).isEmpty, "\(terms) × \(term) is refused")
                continue
            }
            guard case .object(let members)? = item["context"], case .bool(let holds)? = item["holds"] else { continue }
            let condition = try CompiledCondition(try #require(model.conditions.first))
            let context = Dictionary(members, uniquingKeysWith: { first, _ in first })
            switch Result(catching: { try condition.evaluate(context: context) }) {
            case .success(let value):
                #expect(value == holds, "\(terms) × \(term)")
            case .failure(let error):
                #expect(!holds && (error as? ConditionError)?.code == .costExceeded, "\(terms) × \(term) \(context): \(error)")
            }
        }
    }

    @Test("finding 7: a 3,000-term concatenation is refused (512 bytes at most); a 4 KB string stops at its first join")
    func concatenationStops() throws {
        let long = "size(" + Array(repeating: "s", count: 3000).joined(separator: " + ") + ") > 0"
        let parameters = [ConditionParameter(name: "s", type: .string)]
        #expect(throws: ConditionError.self) {
            try CompiledCondition(ConditionDefinition(name: "c", parameters: parameters, expression: long))
        }
        let condition = try CompiledCondition(
            ConditionDefinition(name: "c", parameters: parameters, expression: "size(s + s + s) > 0"))
        #expect(throws: ConditionError(.costExceeded, "operation cancelled: actual cost limit exceeded")) {
            try condition.evaluate(context: ["s": .string(String(repeating: "x", count: 4096))])
        }
        #expect(try condition.evaluate(context: ["s": .string("x")]))
    }
}

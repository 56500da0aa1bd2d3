import Foundation
import Testing
import Warden
import WardenConditions
import WardenModel
import WardenScopes
import WardenTestSupport

/// Hardening: every parser, fed mutated inputs, ends in an answer or a located error — never a crash (a crash
/// ends the test process), never more than a second on one input. Seeded, so a failure reproduces:
/// `WARDEN_FUZZ_SEED=… WARDEN_FUZZ_ITERATIONS=… swift test --filter Fuzz`.
@Suite("Hardening: fuzzing every parser")
struct FuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["WARDEN_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 2_000
    static let seed = ProcessInfo.processInfo.environment["WARDEN_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_130
    static let models = ["care-unit", "warehouse"]

    static func repositoryText(_ path: String) throws -> String {
        try Fixtures.text(Fixtures.repositoryRoot.appendingPathComponent(path))
    }

    /// Runs `target` on `iterations` mutated inputs; `problem` returns a sentence for an outcome that is not an
    /// answer or a located error. Prints the executions, the corpus size and the slowest input's time.
    static func fuzz(
        _ name: String, corpus: [String], dictionary: [String] = [], _ problem: (String) async -> String?
    ) async {
        var mutator = Mutator(seed: seed, corpus: corpus, dictionary: dictionary)
        var slowest: Duration = .zero
        var problems: [String] = []
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let input = mutator.next()
            let start = clock.now
            if let found = await problem(input), problems.count < 5 { problems.append("\(found) on \(input.debugDescription.prefix(300))") }
            slowest = max(slowest, clock.now - start)
        }
        print("fuzz \(name): \(iterations) executions, corpus \(corpus.count) seeds, slowest input \(slowest)")
        #expect(problems.isEmpty, "\(name): \(problems)")
        #expect(slowest < .seconds(1), "\(name): an input took \(slowest)")
    }

    static var dslSeeds: [String] {
        get throws {
            try models.map { try repositoryText("models/\($0)/model.fga") } + [
                "model\n  schema 1.1\ntype user\ntype group\n  relations\n    define member: [user, group#member, user:*]\n",
                "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define a: ([user with c] or b from p) but not c2\n"
                    + "    define b: [user]\n    define p: [doc]\n    define c2: [user] and a\ncondition c(x: int, s: string, "
                    + "l: list<string>, m: map<int>, t: timestamp, d: duration, i: ipaddress) {\n  x < 3 && s.matches('^a+$') "
                    + "&& 'k' in m && t + d > t && i.in_cidr('10.0.0.0/8') && l[0] == s\n}\n",
            ]
        }
    }

    @Test("DSL models: parse, validate, compile conditions")
    func dsl() async throws {
        await Self.fuzz("DSL", corpus: try Self.dslSeeds, dictionary: ["define", "type", "relations", "from", "or", "and", "but not", "with", "condition", "schema 1.1", "module", "extend"]) { text in
            do throws(ModelError) {
                let model = try DSLParser.parseModel(text, file: "fuzz.fga")
                let unlocated = ConditionValidation.diagnoseAll(model).filter { $0.severity == .error && $0.range == nil }
                return unlocated.first.map { "an error without a position: \($0.message)" }
            } catch {
                return error.diagnostics.first { $0.range == nil }.map { "a parse error without a position: \($0.message)" }
            }
        }
    }

    @Test("JSON: values and OpenFGA model JSON")
    func json() async throws {
        let seeds = try Self.dslSeeds.map { ModelJSON.encodeText(try DSLParser.parseModel($0)) }
        await Self.fuzz("JSON model", corpus: seeds, dictionary: ["\"type\"", "\"relations\"", "\"this\"", "\"union\"", "\"child\""]) { text in
            _ = try? JSONValue.parse(text)
            _ = try? ModelJSON.decode(text: text, file: "fuzz.json")
            return nil
        }
    }

    /// Tuple files in every format: a malformed one is an error at its line.
    @Test("tuple files: YAML, JSON, JSONL, CSV", arguments: ["yaml", "json", "jsonl", "csv"])
    func tupleFiles(format: String) async throws {
        let tuples = try Self.models.flatMap { try TupleFile.parse(try Self.repositoryText("models/\($0)/tuples.yaml"), file: "t.yaml") }
        let seed: String = switch format {
        case "yaml": try Self.models.map { try Self.repositoryText("models/\($0)/tuples.yaml") }.joined(separator: "\n")
        case "json": JSONValue.array(tuples.map(TupleFile.json)).formatted()
        case "jsonl": tuples.map { TupleFile.json($0).compact }.joined(separator: "\n")
        default: ([TupleFile.csvColumns.joined(separator: ",")] + tuples.map(TupleFile.csvLine)).joined(separator: "\n")
        }
        await Self.fuzz("tuple \(format)", corpus: [seed], dictionary: ["user", "relation", "object", "condition", "context"]) { text in
            do throws(TupleFile.Failure) {
                _ = try TupleFile.parse(text, file: "fuzz.\(format)")
                return nil
            } catch {
                return error.line == nil ? "an error without a line: \(error.message)" : nil
            }
        }
    }

    @Test("store files (.fga.yaml)")
    func storeFiles() async throws {
        let seeds = try Self.models.map { try Self.repositoryText("models/\($0)/model.fga.yaml") }
        await Self.fuzz("store file", corpus: seeds, dictionary: ["model_file", "tuples", "tests", "check", "assertions", "list_objects", "list_users"]) { text in
            _ = try? StoreFile.parse(text, path: "fuzz.fga.yaml")
            return nil
        }
    }

    @Test("tenant files")
    func tenantFiles() async throws {
        let seeds = try (Self.models + ["partner-analytics"]).map { try Self.repositoryText("models/\($0)/tenant.yaml") }
        await Self.fuzz("tenant file", corpus: seeds, dictionary: ["resourceServers", "roles", "clients", "clientGrants", "enforce_policies"]) { text in
            do throws(TenantFile.Failure) {
                _ = try TenantFile.parse(text, file: "fuzz.yaml")
                return nil
            } catch {
                return error.message.isEmpty ? "an empty message" : nil
            }
        }
    }

    static let celParameters: [ConditionParameter] = [
        .init(name: "x", type: .int), .init(name: "u", type: .uint), .init(name: "f", type: .double),
        .init(name: "s", type: .string), .init(name: "b", type: .bool), .init(name: "t", type: .timestamp),
        .init(name: "d", type: .duration), .init(name: "i", type: .ipaddress), .init(name: "l", type: .list(.string)),
        .init(name: "m", type: .map(.int)), .init(name: "a", type: .any),
    ]
    static let celContext = #"{"x": 3, "u": 4, "f": 1.5, "s": "abc", "b": true, "t": "2024-01-01T00:00:00Z", "d": "90m", "i": "10.1.2.3", "l": ["abc", "d"], "m": {"k": 1}, "a": [1, "two"]}"#

    @Test("CEL expressions: compile and evaluate")
    func celExpressions() async throws {
        let context = try Self.contextMembers(Self.celContext)
        let seeds = [
            "x < 3 && s.matches('^a+$') && 'k' in m", "t + d > timestamp('2023-01-01T00:00:00Z') || b",
            "i.in_cidr('10.0.0.0/8') && size(l) == 2 && l[0].startsWith('a')", "u * 2u > 3u ? f / 0.0 > 1.0 : -x < 0",
            "{'a': x, 'b': 2}['a'] == 3 && [1, 2, 3][x - 1] == 3", "duration('1h30m') < d && int(s) == 1 && double(x) == 3.0",
            "a[0] == 1 && string(x) + s == '3abc' && s.contains('b') && !s.endsWith('z')",
        ]
        await Self.fuzz("CEL expression", corpus: seeds, dictionary: ["&&", "||", "!", "in", "size(", ".matches(", "timestamp(", "duration(", "int(", "?", "9223372036854775807", "-9223372036854775808"]) { text in
            do throws(ConditionError) {
                let condition = try CompiledCondition(ConditionDefinition(name: "c", parameters: Self.celParameters, expression: text))
                _ = try? condition.evaluate(context: context)
                return nil
            } catch {
                return error.code == .syntax && error.offset == nil && error.message.hasPrefix("error parsing regexp") == false
                    && error.message.contains("bytes;") == false ? "a syntax error without an offset: \(error.message)" : nil
            }
        }
    }

    static func contextMembers(_ text: String) throws -> [String: JSONValue] {
        guard case .object(let members) = try JSONValue.parse(text) else { return [:] }
        return Dictionary(members, uniquingKeysWith: { first, _ in first })
    }

    @Test("CEL context values: every parameter type converted from mutated JSON")
    func celContextValues() async throws {
        let condition = try CompiledCondition(ConditionDefinition(
            name: "c", parameters: Self.celParameters,
            expression: "x < 3 || u > 1u || f > 0.5 || s == 'a' || b || t > timestamp('2020-01-01T00:00:00Z') || d > duration('1s') || i.in_cidr('10.0.0.0/8') || 'a' in l || 'k' in m || a != null"))
        await Self.fuzz("CEL context", corpus: [Self.celContext], dictionary: ["1e308", "-0", "\"1.5\"", "\"9223372036854775808\"", "\"-1\"", "null", "[]", "{}", "\"2024-02-30T00:00:00Z\"", "\"-1ns\"", "\"::ffff:1.2.3.4\"", "\"fe80::1%eth0\""]) { text in
            guard let context = try? Self.contextMembers(text) else { return nil }
            do throws(ConditionError) {
                _ = try condition.evaluate(context: context)
                return nil
            } catch {
                return error.message.isEmpty ? "an empty message" : nil
            }
        }
    }

    @Test("regular expressions (RE2 syntax) compile and match")
    func regularExpressions() async throws {
        let seeds = try Fixtures.repositoryObjects("Tests/Fixtures/conditions/regex.json").compactMap { item -> String? in
            if case .string(let pattern)? = item["pattern"] { return pattern } else { return nil }
        }
        await Self.fuzz("regex", corpus: seeds, dictionary: ["(?i)", "(?P<n>", "\\p{Greek}", "[[:alpha:]]", "{2,5}", "\\Q", "\\E", "*?", "\\x{10FFFF}", "{1000}"]) { text in
            guard let program = try? RegexProgram(text) else { return nil }
            _ = program.matches(String(repeating: "ab\u{E9}1 _-", count: 40))
            return nil
        }
    }

    @Test("tokens: mutated JWTs are refused in our own words")
    func tokens() async throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let tenant = try TenantFile.parse(try Self.repositoryText("models/care-unit/tenant.yaml"))
        let request = GrantRequest(user: "dr-kim", clientID: "web-portal", audience: "https://api.health.example", requestedScopes: nil)
        let token = try await warden.mintToken(for: request, tenant: tenant)
        let verifier = TokenVerifier(issuer: Warden.defaultIssuer, keyRing: try warden.keyRing())
        await Self.fuzz("token", corpus: [token], dictionary: [".", "=", "+", "/", "eyJ", "e30", "eyJhbGciOiJub25lIn0"]) { text in
            do throws(TokenError) {
                _ = try await verifier.verify(text, audience: "https://api.health.example")
                return nil
            } catch {
                let leaked = ["Base64", "DecodingError", "JWTKit", "JWTError"].first { error.description.contains($0) }
                return leaked.map { "a message leaking library internals (\($0)): \(error.description)" }
            }
        }
    }
}

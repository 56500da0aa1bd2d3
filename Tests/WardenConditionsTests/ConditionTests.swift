import Testing
import WardenConditions
import WardenModel

/// OpenFGA's CEL subset: each parameter type's edge cases, CEL's error semantics, and bad input.
@Suite("Conditions")
struct ConditionTests {
    static func condition(_ expression: String, _ parameters: [(String, ConditionParameterType)]) throws -> CompiledCondition {
        try CompiledCondition(
            ConditionDefinition(
                name: "c", parameters: parameters.map { ConditionParameter(name: $0.0, type: $0.1) }, expression: expression))
    }

    static func evaluate(_ expression: String, _ parameters: [(String, ConditionParameterType)] = [], _ context: [String: JSONValue] = [:]) throws -> Bool {
        try condition(expression, parameters).evaluate(context: context)
    }

    static func failure(_ expression: String, _ parameters: [(String, ConditionParameterType)] = [], _ context: [String: JSONValue] = [:]) -> ConditionError? {
        do {
            _ = try evaluate(expression, parameters, context)
            return nil
        } catch let error as ConditionError {
            return error
        } catch {
            return nil
        }
    }

    @Test("timestamps: RFC 3339 with fractions and offsets, compared and shifted by durations")
    func timestamps() throws {
        let ts: [(String, ConditionParameterType)] = [("t", .timestamp)]
        #expect(try Self.evaluate(#"t < timestamp("2023-10-11T10:00:00.000Z")"#, ts, ["t": .string("2023-10-11T09:59:59.999Z")]))
        #expect(try !Self.evaluate(#"t < timestamp("2023-10-11T10:00:00Z")"#, ts, ["t": .string("2023-10-11T12:00:00+02:00")]))
        #expect(try Self.evaluate(#"t == timestamp("2023-10-11T10:00:00Z")"#, ts, ["t": .string("2023-10-11T12:00:00+02:00")]))
        #expect(try Self.evaluate(#"t + duration("1h30m") == timestamp("2024-03-01T01:30:00Z")"#, ts, ["t": .string("2024-03-01T00:00:00Z")]))
        #expect(try Self.evaluate(#"timestamp("2024-03-01T00:00:00Z") - t == duration("24h")"#, ts, ["t": .string("2024-02-29T00:00:00Z")]))
        #expect(Self.failure("t < t", ts, ["t": .string("2023-02-30T00:00:00Z")])?.code == .parameterType)
        #expect(Self.failure("t < t", ts, ["t": .string("yesterday")])?.code == .parameterType)
    }

    @Test("durations: Go syntax, signs, fractions, units")
    func durations() throws {
        let d: [(String, ConditionParameterType)] = [("d", .duration)]
        #expect(try Self.evaluate(#"d == duration("90m")"#, d, ["d": .string("1h30m")]))
        #expect(try Self.evaluate(#"d == duration("1500ms")"#, d, ["d": .string("1.5s")]))
        #expect(try Self.evaluate(#"d < duration("0s")"#, d, ["d": .string("-1ns")]))
        #expect(Self.failure("d > d", d, ["d": .string("1 hour")])?.code == .parameterType)
        #expect(Self.failure("d > d", d, ["d": .string("5")])?.code == .parameterType)
    }

    @Test("int overflow, uint underflow and division by zero are errors, never answers")
    func arithmeticErrors() {
        let i: [(String, ConditionParameterType)] = [("x", .int)]
        #expect(Self.failure("x + 1 > 0", i, ["x": .number("9223372036854775807")])?.message == "int overflow")
        #expect(Self.failure("x * 2 > 0", i, ["x": .number("-9223372036854775808")])?.message == "int overflow")
        #expect(Self.failure("1 / x == 0", i, ["x": .number("0")])?.message == "division by zero")
        #expect(Self.failure("1 % x == 0", i, ["x": .number("0")])?.message == "modulus by zero")
        let u: [(String, ConditionParameterType)] = [("u", .uint)]
        #expect(Self.failure("u - 1u == 0u", u, ["u": .number("0")])?.message == "uint overflow")
        #expect(Self.failure("u == 0u", u, ["u": .number("-1")])?.code == .parameterType)
        #expect(Self.failure("x > 1", i, ["x": .number("1.5")])?.code == .parameterType)
    }

    @Test("doubles: a value outside float64 is refused with OpenFGA's message; literals too")
    func doubles() throws {
        let d: [(String, ConditionParameterType)] = [("x", .double)]
        #expect(try Self.evaluate("x > 0.0", d, ["x": .number("1.797693134862315e+308")]))
        let error = Self.failure("x > 0.0", d, ["x": .number("1.797693135e+309")])
        #expect(error?.message == "parameter type error on condition 'c' - failed to convert context parameter 'x': number cannot be represented as a float64: 1.797693135e+309")
        #expect(throws: ConditionError.self) { try Self.condition("x > 1e400", d) }
    }

    @Test("IPv4 and IPv6 addresses in CIDR ranges")
    func addresses() throws {
        let p: [(String, ConditionParameterType)] = [("ip", .ipaddress), ("cidr", .string)]
        #expect(try Self.evaluate("ip.in_cidr(cidr)", p, ["ip": .string("10.1.2.3"), "cidr": .string("10.0.0.0/8")]))
        #expect(try !Self.evaluate("ip.in_cidr(cidr)", p, ["ip": .string("11.1.2.3"), "cidr": .string("10.0.0.0/8")]))
        #expect(try Self.evaluate("ip.in_cidr(cidr)", p, ["ip": .string("192.168.1.129"), "cidr": .string("192.168.1.128/25")]))
        #expect(try Self.evaluate("ip.in_cidr(cidr)", p, ["ip": .string("2001:db8::1"), "cidr": .string("2001:db8::/32")]))
        #expect(try !Self.evaluate("ip.in_cidr(cidr)", p, ["ip": .string("2001:db9::1"), "cidr": .string("2001:db8::/32")]))
        #expect(try !Self.evaluate("ip.in_cidr(cidr)", p, ["ip": .string("10.0.0.1"), "cidr": .string("2001:db8::/32")]))
        #expect(Self.failure("ip.in_cidr(cidr)", p, ["ip": .string("10.0.0.300"), "cidr": .string("10.0.0.0/8")])?.code == .parameterType)
        #expect(Self.failure("ip.in_cidr(cidr)", p, ["ip": .string("10.0.0.1"), "cidr": .string("10.0.0.0/33")])?.code == .evaluation)
    }

    @Test("strings: Unicode, functions, and '1' is not 1")
    func strings() throws {
        let s: [(String, ConditionParameterType)] = [("s", .string)]
        #expect(try Self.evaluate("size(s) == 5 && s.startsWith('hé') && s.endsWith('🙂') && s.contains('ll')", s, ["s": .string("héll🙂")]))
        #expect(try Self.evaluate("s.matches('^[a-z]+-[0-9]+$')", s, ["s": .string("ticket-42")]))
        #expect(try Self.evaluate("s == '1'", s, ["s": .string("1")]))
        #expect(Self.failure("s == '1'", s, ["s": .number("1")])?.code == .parameterType)
        #expect(Self.failure("s == 1", s, ["s": .string("1")])?.code == .type)
    }

    @Test("strings compare by bytes, as Go does: NFC é is not NFD é; 'e\\u{301}'.startsWith('e')")
    func stringBytes() throws {
        let nfc = "\u{E9}", nfd = "e\u{301}"
        let s: [(String, ConditionParameterType)] = [("s", .string), ("t", .string)]
        let pair: [String: JSONValue] = ["s": .string(nfc), "t": .string(nfd)]
        #expect(try !Self.evaluate("s == t", s, pair))
        #expect(try Self.evaluate("s != t", s, pair))
        #expect(try Self.evaluate("t.startsWith('e')", s, pair))
        #expect(try !Self.evaluate("s.startsWith('e')", s, pair))
        #expect(try Self.evaluate("t.endsWith('\\u0301')", s, pair))
        #expect(try Self.evaluate("t.contains('e')", s, pair))
        #expect(try !Self.evaluate("s.contains('e')", s, pair))
        #expect(try Self.evaluate("size(t) == 2 && size(s) == 1", s, pair))
        let lists: [(String, ConditionParameterType)] = [("s", .string), ("l", .list(.string)), ("m", .map(.int))]
        let context: [String: JSONValue] = [
            "s": .string(nfd), "l": .array([.string(nfc)]), "m": .object([(nfc, .number("1")), (nfd, .number("2"))]),
        ]
        #expect(try !Self.evaluate("s in l", lists, context))
        #expect(try Self.evaluate("s in m && m[s] == 2 && size(m) == 2", lists, context))
    }

    @Test("lists and maps: in, indexing, size, missing keys")
    func collections() throws {
        let p: [(String, ConditionParameterType)] = [("roles", .list(.string)), ("limits", .map(.int))]
        let context: [String: JSONValue] = [
            "roles": .array([.string("admin"), .string("dev")]), "limits": .object([("daily", .number("10"))]),
        ]
        #expect(try Self.evaluate("'dev' in roles && 'daily' in limits && limits['daily'] == 10 && size(roles) == 2 && roles[0] == 'admin'", p, context))
        #expect(Self.failure("limits['weekly'] > 0", p, context)?.message == "no such key: weekly")
    }

    @Test("&& and || absorb an error when the other side decides")
    func logicalErrors() throws {
        let p: [(String, ConditionParameterType)] = [("x", .int)]
        #expect(try !Self.evaluate("1 / x == 1 && false", p, ["x": .number("0")]))
        #expect(try Self.evaluate("true || 1 / x == 1", p, ["x": .number("0")]))
        #expect(Self.failure("1 / x == 1 || false", p, ["x": .number("0")])?.message == "division by zero")
    }

    @Test("missing parameters are named, sorted, never a quiet no")
    func missingParameters() {
        let error = Self.failure("x < 100 || y < 50", [("y", .int), ("x", .int)], [:])
        #expect(error?.code == .missingParameters)
        #expect(error?.missingParameters == ["x", "y"])
    }

    @Test("bad expressions fail at compile time with an offset")
    func syntaxErrors() {
        for (expression, offset) in [("x <", 3), ("x == 'unterminated", 5), ("(x", 2), ("x $ 1", 2), ("y > 1", 0)] {
            do {
                _ = try Self.condition(expression, [("x", .int)])
                Issue.record("\(expression) compiled")
            } catch {
                #expect((error as? ConditionError)?.offset == offset, "\(expression)")
            }
        }
        let deep = String(repeating: "(", count: 500) + "x" + String(repeating: ")", count: 500)
        #expect(throws: ConditionError.self) { try Self.condition(deep, [("x", .bool)]) }
    }

    @Test("a hostile expression runs out of evaluation budget")
    func costBound() {
        var expression = "l"
        for _ in 0..<6 { expression = "(\(expression) + \(expression))" }  // 64 terms in 379 bytes
        let error = Self.failure("size(\(expression)) > 0", [("l", .list(.int))], ["l": .array([.number("1")])])
        #expect(error?.code == .costExceeded)
    }
}

@Suite("Condition validation")
struct ConditionValidationTests {
    @Test("a bad expression is reported at its line and column in the DSL")
    func located() throws {
        let text = """
            model
              schema 1.1
            type user
            type doc
              relations
                define viewer: [user with c]
            condition c(x: int) {
              x < 10 &&
                y > 2
            }
            """
        let model = try DSLParser.parseModel(text, file: "m.fga")
        let diagnostics = ConditionValidation.diagnose(model)
        #expect(diagnostics.map(\.description) == ["m.fga:9:5: error: condition 'c': undeclared reference to 'y'"])
    }
}

@Suite("Condition type checking")
struct ConditionTypeCheckTests {
    static func typeError(_ expression: String, _ parameters: [(String, ConditionParameterType)]) -> String? {
        do {
            _ = try ConditionTests.condition(expression, parameters)
            return nil
        } catch {
            #expect((error as? ConditionError)?.code == .type)
            return (error as? ConditionError)?.message
        }
    }

    @Test("well-typed expressions compile", arguments: [
        ("x < 100 && s.startsWith('a')", [("x", ConditionParameterType.int), ("s", .string)]),
        ("ip.in_cidr(cidr) || size(tags) > 0", [("ip", .ipaddress), ("cidr", .string), ("tags", .list(.string))]),
        ("now - start < duration('8h') && now >= start", [("now", .timestamp), ("start", .timestamp)]),
        ("limits['daily'] > 10u || a == 1.5 || a > 1.0", [("limits", .map(.uint)), ("a", .double)]),
        ("anything == 'x' && anything.size() > 1", [("anything", .any)]),
        ("x in [1, 2, 3] ? y : !y", [("x", .int), ("y", .bool)]),
    ])
    func wellTyped(_ expression: String, _ parameters: [(String, ConditionParameterType)]) {
        #expect(Self.typeError(expression, parameters) == nil)
    }

    @Test("ill-typed expressions are reported at load", arguments: [
        ("x < 'a'", [("x", ConditionParameterType.int)], "found no matching overload for '_<_' applied to '(int, string)'"),
        ("x + 1", [("x", .int)], "the expression must be a bool, not int"),
        ("s.startsWith(1)", [("s", .string)], "found no matching overload for 'startsWith' applied to '(string, int)'"),
        ("nope(x)", [("x", .int)], "undeclared reference to 'nope'"),
        ("x.in_cidr('10.0.0.0/8')", [("x", .string)], "found no matching overload for 'in_cidr' applied to '(string, string)'"),
        ("t < 5", [("t", .timestamp)], "found no matching overload for '_<_' applied to '(google.protobuf.Timestamp, int)'"),
        ("x && true", [("x", .int)], "found no matching overload for '_&&_' applied to '(int, bool)'"),
        // OpenFGA's CEL has no cross-type numeric comparison (fga model validate: "no matching overload").
        ("i == d", [("i", .int), ("d", .double)], "found no matching overload for '_==_' applied to '(int, double)'"),
        ("i < d", [("i", .int), ("d", .double)], "found no matching overload for '_<_' applied to '(int, double)'"),
        ("u == 1", [("u", .uint)], "found no matching overload for '_==_' applied to '(uint, int)'"),
        ("i == null", [("i", .int)], "found no matching overload for '_==_' applied to '(int, null_type)'"),
        ("d in l", [("d", .double), ("l", .list(.int))], "found no matching overload for '@in' applied to '(double, list(int))'"),
    ])
    func illTyped(_ expression: String, _ parameters: [(String, ConditionParameterType)], _ message: String) {
        #expect(Self.typeError(expression, parameters) == message)
    }
}

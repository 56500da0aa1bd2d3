import Testing
import WardenConditions
import WardenModel

/// Request context values converted as OpenFGA converts them; every row is what `fga model test` (fga v0.8.2)
/// answered for the same condition and context.
@Suite("Context values as OpenFGA reads them")
struct ContextValueTests {
    enum Answer: String, CustomStringConvertible {
        case yes, no, error
        var description: String { rawValue }
    }

    static func answer(_ expression: String, _ parameters: [(String, ConditionParameterType)], _ context: [String: JSONValue]) -> Answer {
        do {
            return try ConditionTests.evaluate(expression, parameters, context) ? .yes : .no
        } catch {
            return .error
        }
    }

    @Test("int: strings and numbers, integral only, saturating at int64's range",
        arguments: [
            (JSONValue.string("2"), Answer.yes), (.string("1e300"), .no), (.number("1e300"), .no),
            (.number("9223372036854775808"), .no), (.string("9223372036854775808"), .no),
            (.string("-9223372036854775809"), .yes), (.number("2.5"), .error), (.string("2.5"), .error),
            (.string("0x10"), .error), (.string(" 2"), .error), (.string("2 "), .error), (.string("+2"), .yes),
            (.string("1_0"), .error), (.string("Inf"), .error), (.bool(true), .error), (.string("-2"), .yes),
            (.string("2.0"), .yes), (.string("1e2"), .no), (.string("-0"), .yes), (.number("9007199254740993"), .no),
        ])
    func ints(_ value: JSONValue, _ expected: Answer) {
        #expect(Self.answer("i < 100", [("i", .int)], ["i": value]) == expected)
    }

    @Test("uint: as int, and never negative",
        arguments: [
            (JSONValue.string("2"), Answer.yes), (.string("-1"), .error), (.number("-1"), .error),
            (.number("18446744073709551615"), .no), (.string("1e2"), .no), (.number("9223372036854775807"), .no),
            (.number("2.5"), .error), (.string("0"), .yes), (.string("-0"), .yes), (.string("9223372036854775808"), .no),
            (.string("1e300"), .no),
        ])
    func uints(_ value: JSONValue, _ expected: Answer) {
        #expect(Self.answer("u < 100u", [("u", .uint)], ["u": value]) == expected)
    }

    @Test("double: a string converts only when a float64 holds it exactly",
        arguments: [
            (JSONValue.string("2"), Answer.yes), (.string("1e300"), .error), (.string("NaN"), .error), (.string("Inf"), .no),
            (.string("-Inf"), .yes), (.string("1e400"), .error), (.string("-1e400"), .error), (.string("infinity"), .error),
            (.string("0x1p4"), .error), (.number("2"), .yes), (.string("0.1"), .error), (.string("0.5"), .yes),
            (.string("3.14"), .error), (.number("0.1"), .yes), (.number("1e300"), .no), (.string("1e22"), .no),
            (.string("1e23"), .error), (.string("+Inf"), .no), (.string("inf"), .no), (.string(" 2"), .error),
        ])
    func doubles(_ value: JSONValue, _ expected: Answer) {
        #expect(Self.answer("d < 100.0", [("d", .double)], ["d": value]) == expected)
    }

    @Test("timestamps: RFC 3339 as Go parses it, upper-case T and Z only",
        arguments: [
            ("2023-01-01T00:00:00Z", Answer.yes), ("2023-01-01t00:00:00z", .error), ("2023-01-01T00:00:00+01:00", .yes),
            ("2023-01-01 00:00:00Z", .error), ("2023-01-01T00:00:60Z", .error), ("2023-01-01T00:00:00+24:00", .yes), ("2023-01-01T00:00:00+25:00", .error),
        ])
    func timestamps(_ text: String, _ expected: Answer) {
        #expect(Self.answer("t < timestamp('2030-01-01T00:00:00Z')", [("t", .timestamp)], ["t": .string(text)]) == expected)
    }

    @Test("ipaddress: Go's syntax; IPv4-mapped IPv6 is the IPv4 address; a zoned address is in no range",
        arguments: [
            ("::ffff:192.168.0.1", "192.168.0.0/24", Answer.yes), ("192.168.0.1", "::ffff:192.168.0.0/120", .yes),
            ("192.168.0.01", "192.168.0.0/24", .error), ("fe80::1%eth0", "fe80::/64", .no), ("10.0.0.1", "10.0.0.0/33", .error),
            ("10.0.0.1", "10.0.0.1/8", .yes), ("10.0.0.1", "10.0.0.0/08", .error), ("2001:db8::1", "2001:db8::/32", .yes),
            ("10.0.0.1", "::/0", .no),
        ])
    func addresses(_ address: String, _ cidr: String, _ expected: Answer) {
        let parameters: [(String, ConditionParameterType)] = [("ip", .ipaddress), ("cidr", .string)]
        #expect(Self.answer("ip.in_cidr(cidr)", parameters, ["ip": .string(address), "cidr": .string(cidr)]) == expected)
    }

    @Test("ipaddress equality unmaps IPv4-mapped addresses",
        arguments: [("::ffff:10.0.0.1", "10.0.0.1", Answer.yes), ("10.0.0.1", "10.0.0.1", .yes), ("fe80::1%eth0", "fe80::1", .no)])
    func addressEquality(_ left: String, _ right: String, _ expected: Answer) {
        let parameters: [(String, ConditionParameterType)] = [("ip", .ipaddress), ("other", .ipaddress)]
        #expect(Self.answer("ip == other", parameters, ["ip": .string(left), "other": .string(right)]) == expected)
    }
}

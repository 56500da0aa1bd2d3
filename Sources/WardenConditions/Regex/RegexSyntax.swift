/// A parsed regular expression in RE2's syntax (Go's `regexp/syntax`, which CEL's `matches` uses): no
/// backreferences, no lookaround, so every pattern matches in time linear in the text.
indirect enum RegexNode: Equatable {
    case empty
    case scalars(ScalarClass)
    case assertion(RegexAssertion)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    /// `maximum == nil` repeats without bound.
    case repetition(RegexNode, minimum: Int, maximum: Int?)
}

/// A zero-width test between two scalars.
enum RegexAssertion: Equatable {
    case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary

    /// Whether the assertion holds between `previous` and `next` (nil at the text's ends).
    func holds(after previous: Unicode.Scalar?, before next: Unicode.Scalar?) -> Bool {
        switch self {
        case .beginText: previous == nil
        case .endText: next == nil
        case .beginLine: previous == nil || previous == "\n"
        case .endLine: next == nil || next == "\n"
        case .wordBoundary: Self.isWord(previous) != Self.isWord(next)
        case .notWordBoundary: Self.isWord(previous) == Self.isWord(next)
        }
    }

    /// RE2's `\w`: ASCII letters, digits and `_` only.
    static func isWord(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar, scalar.isASCII else { return false }
        let value = scalar.value
        return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
            || value == 0x5F
    }
}

/// Why a pattern is not a regular expression, in Go's words (`error parsing regexp: missing closing ): \`(a\``).
public struct RegexSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: String
    public let fragment: String

    public var description: String { "error parsing regexp: \(code): `\(fragment)`" }
}

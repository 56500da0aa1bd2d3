/// The expression tree of a condition body.
indirect enum CELExpression: Sendable {
    case literal(CELValue)
    case identifier(String, offset: Int)
    case list([CELExpression])
    case map([(CELExpression, CELExpression)])
    case unary(String, CELExpression)
    case binary(CELOperator, CELExpression, CELExpression, offset: Int)
    case conditional(CELExpression, CELExpression, CELExpression)
    case index(CELExpression, CELExpression)
    case select(CELExpression, String)
    /// A call: `size(x)` (no target) or `x.startsWith(y)` (target).
    case call(String, target: CELExpression?, arguments: [CELExpression], offset: Int)
}

/// CEL's binary operators, resolved once at parse time.
enum CELOperator: String, Sendable {
    case or = "||", and = "&&"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in` = "in"
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
}

/// Tokens of CEL: punctuation, identifiers and literals, each with its UTF-8 offset.
struct CELToken: Sendable {
    enum Kind: Equatable, Sendable {
        case identifier(String)
        case literal(CELValue)
        case symbol(String)
        case end
    }

    var kind: Kind
    var offset: Int
}

/// Splits an expression into tokens.
struct CELLexer {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    static func tokens(_ text: String) throws(ConditionError) -> [CELToken] {
        var lexer = CELLexer(text)
        var tokens: [CELToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private static let symbols = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"]

    mutating func next() throws(ConditionError) -> CELToken {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "/"), bytes[position + 1] == UInt8(ascii: "/") {
            while position < bytes.count, bytes[position] != 0x0A { position += 1 }
            return try next()
        }
        let start = position
        guard position < bytes.count else { return CELToken(kind: .end, offset: start) }
        let byte = bytes[position]
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            return CELToken(kind: .literal(.string(try string(quote: byte))), offset: start)
        }
        if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (byte == UInt8(ascii: ".") && position + 1 < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + 1]))
        {
            return CELToken(kind: .literal(try number()), offset: start)
        }
        if Self.isIdentifierStart(byte) {
            while position < bytes.count, Self.isIdentifierStart(bytes[position]) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            switch word {
            case "true": return CELToken(kind: .literal(.bool(true)), offset: start)
            case "false": return CELToken(kind: .literal(.bool(false)), offset: start)
            case "null": return CELToken(kind: .literal(.null), offset: start)
            case "in": return CELToken(kind: .symbol("in"), offset: start)
            default: return CELToken(kind: .identifier(word), offset: start)
            }
        }
        for symbol in Self.symbols where bytes[position...].starts(with: symbol.utf8) {
            position += symbol.utf8.count
            return CELToken(kind: .symbol(symbol), offset: start)
        }
        throw ConditionError(.syntax, "unexpected character '\(Character(Unicode.Scalar(byte)))'", offset: start)
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    private mutating func number() throws(ConditionError) -> CELValue {
        let start = position
        if bytes[position...].starts(with: "0x".utf8) || bytes[position...].starts(with: "0X".utf8) {
            position += 2
            let digitsStart = position
            while position < bytes.count, (bytes[position] as UInt8).isHexDigit { position += 1 }
            let digits = String(decoding: bytes[digitsStart..<position], as: UTF8.self)
            return try integer(digits, radix: 16, start: start)
        }
        var isDouble = false
        while position < bytes.count {
            let byte = bytes[position]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                position += 1
            } else if byte == UInt8(ascii: "."), !isDouble, position + 1 < bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + 1])
            {
                isDouble = true
                position += 1
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                isDouble = true
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isDouble {
            guard let value = Double(text), value.isFinite else {
                throw ConditionError(.syntax, "the number \(text) is outside the range of a double", offset: start)
            }
            return .double(value)
        }
        return try integer(text, radix: 10, start: start)
    }

    private mutating func integer(_ digits: String, radix: Int, start: Int) throws(ConditionError) -> CELValue {
        if position < bytes.count, bytes[position] == UInt8(ascii: "u") || bytes[position] == UInt8(ascii: "U") {
            position += 1
            guard let value = UInt64(digits, radix: radix) else {
                throw ConditionError(.syntax, "the number \(digits)u is outside the range of a uint", offset: start)
            }
            return .uint(value)
        }
        guard let value = Int64(digits, radix: radix) else {
            throw ConditionError(.syntax, "the number \(digits) is outside the range of an int", offset: start)
        }
        return .int(value)
    }

    private mutating func string(quote: UInt8) throws(ConditionError) -> String {
        let start = position
        position += 1
        var scalars: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == quote { return String(decoding: scalars, as: UTF8.self) }
            if byte == 0x0A { break }
            if byte == UInt8(ascii: "\\"), position < bytes.count {
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "?"), UInt8(ascii: "`"):
                    scalars.append(escaped)
                case UInt8(ascii: "a"): scalars.append(0x07)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "v"): scalars.append(0x0B)
                case UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "x"), UInt8(ascii: "X"):
                    let digits = escaped == UInt8(ascii: "u") ? 4 : (escaped == UInt8(ascii: "U") ? 8 : 2)
                    guard position + digits <= bytes.count,
                        let value = UInt32(String(decoding: bytes[position..<position + digits], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(value)
                    else {
                        throw ConditionError(.syntax, "invalid escape: expected \(digits) hex digits", offset: position - 2)
                    }
                    position += digits
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                case UInt8(ascii: "0")...UInt8(ascii: "3"):
                    // Octal: three digits, the first 0-3.
                    guard position + 2 <= bytes.count,
                        let value = UInt32(String(decoding: bytes[position - 1..<position + 2], as: UTF8.self), radix: 8),
                        let scalar = Unicode.Scalar(value)
                    else {
                        throw ConditionError(.syntax, "invalid octal escape", offset: position - 2)
                    }
                    position += 2
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw ConditionError(.syntax, "unknown escape '\\\(Character(Unicode.Scalar(escaped)))'", offset: position - 2)
                }
                continue
            }
            scalars.append(byte)
        }
        throw ConditionError(.syntax, "unterminated string", offset: start)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}

/// Reading JSON text into an order-keeping ``JSONValue`` with a byte-level recursive-descent parser: fast enough
/// for million-line tuple imports and stored condition contexts, strict (RFC 8259), and located on error.
extension JSONValue {
    /// The deepest nesting accepted, so hostile input cannot exhaust the stack.
    public static let maximumNesting = 512

    /// Parses JSON text (an object or array at the top, or any value when `anyValue` is set).
    /// - Throws: ``Diagnostic`` of kind `invalid-json` naming the line and column of the problem.
    public static func parse(_ text: String, file: String? = nil, anyValue: Bool = false) throws(Diagnostic) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), file: file)
        parser.skipWhitespace()
        if !anyValue, let first = parser.peek, first != UInt8(ascii: "{"), first != UInt8(ascii: "[") {
            throw parser.failure("expected a JSON object ('{'), found '\(Character(Unicode.Scalar(first)))'")
        }
        if parser.peek == nil { throw parser.failure("expected a JSON object ('{'), found nothing") }
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.peek != nil { throw parser.failure("unexpected text after the JSON value") }
        return value
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    let file: String?
    var index = 0

    init(bytes: [UInt8], file: String?) {
        self.bytes = bytes
        self.file = file
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func failure(_ message: String) -> Diagnostic {
        var line = 0
        var column = 0
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 0
            } else {
                column += 1
            }
        }
        let position = SourcePosition(line: line, column: column)
        return Diagnostic(kind: .invalidJSON, message: "not valid JSON: \(message)", range: SourceRange(file: file, start: position, end: position))
    }

    mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    mutating func expect(_ literal: StaticString, _ value: JSONValue) throws(Diagnostic) -> JSONValue {
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { expected in
            index + count <= bytes.count && bytes[index..<index + count].elementsEqual(expected)
        }
        guard matches else { throw failure("unexpected character") }
        index += count
        return value
    }

    mutating func value(depth: Int) throws(Diagnostic) -> JSONValue {
        guard depth < JSONValue.maximumNesting else { throw failure("nested deeper than \(JSONValue.maximumNesting)") }
        skipWhitespace()
        guard let byte = peek else { throw failure("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, JSONValue)] = []
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                let key = try string()
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw failure("expected ':' after a key") }
                index += 1
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    index += 1
                } else if peek == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                } else {
                    throw failure("expected ',' or '}'")
                }
            }
        case UInt8(ascii: "["):
            index += 1
            var values: [JSONValue] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            }
            while true {
                values.append(try value(depth: depth + 1))
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    index += 1
                } else if peek == UInt8(ascii: "]") {
                    index += 1
                    return .array(values)
                } else {
                    throw failure("expected ',' or ']'")
                }
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("'\(Character(Unicode.Scalar(byte)))' is not a JSON value (strings need double quotes)")
        }
    }

    mutating func number() throws(Diagnostic) -> String {
        let start = index
        func digits() -> Int {
            let begin = index
            while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index - begin
        }
        if peek == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { throw failure("a number needs digits") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { throw failure("a number cannot start with 0") }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("a number needs digits after '.'") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("a number needs digits in its exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    mutating func string() throws(Diagnostic) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw failure("control character in a string") }
            index += 1
        }
        guard let stop = peek else { throw failure("unterminated string") }
        if stop == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: bytes[start..<index - 1], as: UTF8.self)
        }
        var scalars = Array(bytes[start..<index])
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { throw failure("unterminated string") }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escaped)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw failure("unpaired surrogate in a string")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate in a string") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw failure("invalid escape '\\\(Character(Unicode.Scalar(escaped)))'")
                }
            default:
                guard byte >= 0x20 else { throw failure("control character in a string") }
                scalars.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    mutating func hex4() throws(Diagnostic) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a \\u escape needs 4 hex digits") }
        var code: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("a \\u escape needs 4 hex digits")
            }
            code = code << 4 | digit
        }
        index += 4
        return code
    }
}

/// The JSONL line nearly every import holds, `{"user":"…","relation":"…","object":"…"}` (keys in any order,
/// JSON whitespace anywhere between tokens), read straight from its bytes.
///
/// Anything else — an escape, a condition, a non-ASCII byte, another or a repeated key, a control character — is
/// nil, and the caller reads the line with the general JSON parser, which gives the same tuple or the located
/// error. So this path can only be faster, never different.
enum FlatTupleLine {
    /// The three strings of a flat tuple line, or nil when the line is not exactly that shape.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (user: String, relation: String, object: String)? {
        var index = 0
        let count = bytes.count
        @inline(__always) func skipWhitespace() {
            while index < count {
                let byte = bytes[index]
                guard byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else { return }
                index += 1
            }
        }
        /// A string without escapes: the range of its contents, after the opening quote at `index`.
        @inline(__always) func string() -> Range<Int>? {
            guard index < count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                // Escapes, control characters and multi-byte UTF-8 (which needs validating) take the general path.
                if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
                index += 1
            }
            return nil
        }
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        skipWhitespace()
        guard index < count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var user: Range<Int>?
        var relation: Range<Int>?
        var object: Range<Int>?
        for member in 0..<3 {
            skipWhitespace()
            guard let key = string() else { return nil }
            skipWhitespace()
            guard index < count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            guard let value = string() else { return nil }
            switch (key.count, bytes[key.lowerBound]) {
            case (4, UInt8(ascii: "u")) where equals(bytes, key, "user") && user == nil: user = value
            case (8, UInt8(ascii: "r")) where equals(bytes, key, "relation") && relation == nil: relation = value
            case (6, UInt8(ascii: "o")) where equals(bytes, key, "object") && object == nil: object = value
            default: return nil
            }
            skipWhitespace()
            guard index < count else { return nil }
            let separator = bytes[index]
            index += 1
            if member < 2 {
                guard separator == UInt8(ascii: ",") else { return nil }
            } else {
                guard separator == UInt8(ascii: "}") else { return nil }
            }
        }
        skipWhitespace()
        guard index == count, let user, let relation, let object else { return nil }
        return (text(user), text(relation), text(object))
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != pointer[offset] { return false }
        return true
    }
}

/// A JSON value whose objects keep their key order, so that models print in the order they were written.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(l), .bool(r)): l == r
        case let (.number(l), .number(r)): l == r
        // Strings and keys by bytes, as Go compares them (NFC and NFD é are different values).
        case let (.string(l), .string(r)): l.bytesEqual(r)
        case let (.array(l), .array(r)): l == r
        case let (.object(l), .object(r)): l.count == r.count && zip(l, r).allSatisfy { $0.0.bytesEqual($1.0) && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let value), .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            for (key, value) in members {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    /// The member named `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0.bytesEqual(key) }?.1
    }

    /// The value with object keys sorted, for comparing documents as data.
    public var canonical: JSONValue {
        switch self {
        case .array(let values): .array(values.map(\.canonical))
        case .object(let members): .object(members.map { ($0.0, $0.1.canonical) }.sorted { $0.0 < $1.0 })
        default: self
        }
    }

    /// Pretty-printed JSON with two-space indentation, as OpenFGA's tools print models.
    public func formatted(indent: String = "  ") -> String {
        var output = ""
        write(to: &output, indent: indent, level: 0)
        return output
    }

    /// JSON on one line with no spaces, as stored beside a tuple and printed in JSON lines.
    public var compact: String {
        var output = ""
        writeCompact(to: &output)
        return output
    }

    private func writeCompact(to output: inout String) {
        switch self {
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.writeCompact(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += "," }
                JSONValue.writeString(key, to: &output)
                output += ":"
                value.writeCompact(to: &output)
            }
            output += "}"
        default:
            write(to: &output, indent: "", level: 0)
        }
    }

    private func write(to output: inout String, indent: String, level: Int) {
        let inner = String(repeating: indent, count: level + 1)
        let outer = String(repeating: indent, count: level)
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): JSONValue.writeString(text, to: &output)
        case .array(let values):
            guard !values.isEmpty else { return output += "[]" }
            output += "[\n"
            for (index, value) in values.enumerated() {
                output += inner
                value.write(to: &output, indent: indent, level: level + 1)
                output += index == values.count - 1 ? "\n" : ",\n"
            }
            output += outer + "]"
        case .object(let members):
            guard !members.isEmpty else { return output += "{}" }
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                output += inner
                JSONValue.writeString(key, to: &output)
                output += ": "
                value.write(to: &output, indent: indent, level: level + 1)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += outer + "}"
        }
    }

    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

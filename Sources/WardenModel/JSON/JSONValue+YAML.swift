import Yams

/// Reading YAML values (as `.fga.yaml` files hold them) into ``JSONValue``, keeping each scalar's type:
/// `'1'` stays a string and `1` becomes a number, as OpenFGA's CLI reads them.
extension JSONValue {
    /// Converts a YAML node with YAML 1.2 core-schema typing of plain scalars.
    /// - Throws: ``Diagnostic`` for aliases and non-scalar mapping keys.
    public init(yaml node: Node) throws(Diagnostic) {
        try self.init(yaml: YAMLTree(node))
    }

    /// Converts a composed YAML tree with YAML 1.2 core-schema typing of plain scalars.
    /// - Throws: ``Diagnostic`` for aliases and non-scalar mapping keys.
    public init(yaml tree: YAMLTree) throws(Diagnostic) {
        switch tree {
        case .scalar(let text, let plain, _, _):
            self = plain ? Self.plainScalar(text) : .string(text)
        case .sequence(let elements, _, _):
            // A store file's thousands of tuples and checks: converted on the machine's cores.
            self = .array(try elements.mapOnCores { element throws(Diagnostic) in try JSONValue(yaml: element) })
        case .mapping(let pairs, _, _):
            var members: [(String, JSONValue)] = []
            members.reserveCapacity(pairs.count)
            for pair in pairs {
                guard case .scalar(let key, _, _, _) = pair.key else {
                    throw Diagnostic(kind: .invalidJSON, message: "mapping keys must be scalars")
                }
                members.append((key, try JSONValue(yaml: pair.value)))
            }
            self = .object(members)
        case .alias:
            throw Diagnostic(kind: .invalidJSON, message: "YAML aliases are not supported here")
        }
    }

    private static func plainScalar(_ text: String) -> JSONValue {
        // Most plain scalars are names and ids: their first byte says they are strings without comparing them.
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
            UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"),
            UInt8(ascii: "+"), UInt8(ascii: "."):
            break
        default:
            return .string(text)
        }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default:
            return isYAML12Number(text) ? .number(text) : .string(text)
        }
    }

    /// YAML 1.2's core-schema numbers (`[-+]?[0-9]+`, `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`) that
    /// are also JSON numbers: a plain `-Inf`, `0x10` or `1_000` stays a string, as Go's YAML reader (fga's) and
    /// OpenFGA's conversions then treat it.
    static func isYAML12Number(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            let count = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        let whole = digits()
        var fraction = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = digits()
        }
        // JSON needs a digit on both sides of the point; YAML's "1." and ".5" stay strings here.
        guard whole > 0, text.utf8.last != UInt8(ascii: "."), !(fraction == 0 && text.utf8.contains(UInt8(ascii: "."))) else {
            return false
        }
        if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}

import Yams

/// Reading YAML values (as `.fga.yaml` files hold them) into ``JSONValue``, keeping each scalar's type:
/// `'1'` stays a string and `1` becomes a number, as OpenFGA's CLI reads them.
extension JSONValue {
    /// Converts a YAML node with YAML 1.2 core-schema typing of plain scalars.
    /// - Throws: ``Diagnostic`` for aliases and non-scalar mapping keys.
    public init(yaml node: Node) throws(Diagnostic) {
        switch node {
        case .scalar(let scalar):
            self = scalar.style == .plain ? Self.plainScalar(scalar.string) : .string(scalar.string)
        case .sequence(let sequence):
            var values: [JSONValue] = []
            for element in sequence { values.append(try JSONValue(yaml: element)) }
            self = .array(values)
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw Diagnostic(kind: .invalidJSON, message: "mapping keys must be scalars")
                }
                members.append((keyScalar.string, try JSONValue(yaml: value)))
            }
            self = .object(members)
        case .alias:
            throw Diagnostic(kind: .invalidJSON, message: "YAML aliases are not supported here")
        }
    }

    private static func plainScalar(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default:
            guard let first = text.unicodeScalars.first, first == "-" || first == "+" || first == "." ||
                ("0"..."9").contains(first), Double(text) != nil, !text.hasPrefix("+")
            else { return .string(text) }
            return .number(text)
        }
    }
}

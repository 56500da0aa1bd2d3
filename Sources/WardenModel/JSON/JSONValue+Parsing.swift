import Yams

/// Reading JSON text into an order-keeping ``JSONValue``, through Yams (JSON is a subset of YAML 1.2, and
/// Yams' node tree keeps mapping order, which Foundation's JSON decoders do not).
extension JSONValue {
    /// Parses JSON text.
    /// - Throws: ``Diagnostic`` of kind `invalid-json` naming the line and column of the problem.
    public static func parse(_ text: String, file: String? = nil) throws(Diagnostic) -> JSONValue {
        let trimmed = text.drop { $0.isWhitespace }
        guard let first = trimmed.first, first == "{" || first == "[" else {
            throw Diagnostic(
                kind: .invalidJSON, message: "expected a JSON object ('{'), found \(trimmed.isEmpty ? "nothing" : "'\(trimmed.prefix(1))'")",
                range: SourceRange(file: file, start: .init(line: 0, column: 0), end: .init(line: 0, column: 0)))
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Diagnostic(kind: .invalidJSON, message: "not valid JSON: \(Self.describe(error))", range: Self.location(of: error, file: file))
        } catch {
            throw Diagnostic(kind: .invalidJSON, message: "not valid JSON: \(error)")
        }
        guard let node else { throw Diagnostic(kind: .invalidJSON, message: "the JSON document is empty") }
        return try convert(node, file: file)
    }

    private static func convert(_ node: Node, file: String?) throws(Diagnostic) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .doubleQuoted || scalar.style == .singleQuoted { return .string(scalar.string) }
            switch scalar.string {
            case "null": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                guard Double(scalar.string) != nil else {
                    throw Diagnostic(
                        kind: .invalidJSON, message: "'\(scalar.string)' is not a JSON value (strings need double quotes)",
                        range: scalar.mark.map { mark(file: file, $0) })
                }
                return .number(scalar.string)
            }
        case .sequence(let sequence):
            var values: [JSONValue] = []
            for element in sequence { values.append(try convert(element, file: file)) }
            return .array(values)
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw Diagnostic(kind: .invalidJSON, message: "object keys must be strings")
                }
                members.append((keyScalar.string, try convert(value, file: file)))
            }
            return .object(members)
        case .alias:
            throw Diagnostic(kind: .invalidJSON, message: "YAML aliases are not JSON")
        }
    }

    private static func mark(file: String?, _ mark: Mark) -> SourceRange {
        let position = SourcePosition(line: max(mark.line - 1, 0), column: max(mark.column - 1, 0))
        return SourceRange(file: file, start: position, end: position)
    }

    private static func location(of error: YamlError, file: String?) -> SourceRange? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return Self.mark(file: file, mark)
        default:
            return nil
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        default:
            return "\(error)"
        }
    }
}

import Yams

/// The keys a YAML format knows, level by level: an unknown key is an error at its line and column, never silently
/// ignored (a misspelt `enforce_polices` must not turn RBAC off; a misspelt `contextual_tuples` must not drop
/// tuples unseen).
public indirect enum YAMLShape: Sendable {
    /// A mapping with these keys, each value with its own shape; `what` names it in messages ("a check").
    case mapping(_ what: String, [String: YAMLShape])
    /// A mapping whose every value has one shape (free keys).
    case mappingOfAny(YAMLShape)
    case sequence(YAMLShape)
    /// Anything: scalars and free-form values.
    case free

    /// The first unknown key in `node`, at its position (1-based).
    public func firstUnknownKey(in node: Node) -> SafeYAML.Problem? {
        switch (self, node) {
        case (.mapping(let what, let keys), .mapping(let mapping)):
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard let inner = keys[name] else {
                    return SafeYAML.Problem(
                        line: key.mark?.line ?? 0, column: key.mark?.column ?? 0,
                        message: "unknown key '\(name)' in \(what) (known keys: \(keys.keys.sorted().joined(separator: ", ")))")
                }
                if let found = inner.firstUnknownKey(in: value) { return found }
            }
        case (.mappingOfAny(let inner), .mapping(let mapping)):
            for (_, value) in mapping {
                if let found = inner.firstUnknownKey(in: value) { return found }
            }
        case (.sequence(let inner), .sequence(let sequence)):
            for element in sequence {
                if let found = inner.firstUnknownKey(in: element) { return found }
            }
        default:
            break
        }
        return nil
    }
}

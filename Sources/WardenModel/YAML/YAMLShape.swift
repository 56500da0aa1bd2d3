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
        firstUnknownKey(in: YAMLTree(node))
    }

    /// The first unknown key in `tree`, at its position (1-based).
    public func firstUnknownKey(in tree: YAMLTree) -> SafeYAML.Problem? {
        switch (self, tree) {
        case (.mapping(let what, let keys), .mapping(let pairs, _, _)):
            for pair in pairs {
                let name = pair.key.string ?? ""
                guard let inner = keys[name] else {
                    return SafeYAML.Problem(
                        line: pair.key.line, column: pair.key.column,
                        message: "unknown key '\(name)' in \(what) (known keys: \(keys.keys.sorted().joined(separator: ", ")))")
                }
                if let found = inner.firstUnknownKey(in: pair.value) { return found }
            }
        case (.mappingOfAny(let inner), .mapping(let pairs, _, _)):
            for pair in pairs {
                if let found = inner.firstUnknownKey(in: pair.value) { return found }
            }
        case (.sequence(let inner), .sequence(let elements, _, _)):
            // The first in the file's order, found on the machine's cores for a long sequence.
            return elements.mapOnCores { inner.firstUnknownKey(in: $0) }.lazy.compactMap { $0 }.first
        default:
            break
        }
        return nil
    }
}

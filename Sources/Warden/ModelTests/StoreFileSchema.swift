import Yams

/// The keys `fga model test` accepts in a store file, level by level (its Go structs: `StoreData`, `ModelTest`,
/// `ModelTestCheck`, `ModelTestListObjects`, `ModelTestListUsers`, `TupleKey`, `UserTypeFilter`). An unknown key is
/// an error at its line and column, as OpenFGA's CLI refuses it ("field contextual_tuples not found in type
/// storetest.ModelTestCheck"): a misspelt key must never be silently ignored.
enum StoreFileSchema {
    /// What a mapping may hold, and what each key's value holds in turn.
    indirect enum Shape: Sendable {
        /// A mapping with these keys (nil: any key), each with its own shape.
        case mapping(String, [String: Shape])
        /// A mapping whose every value has one shape (the assertions of a list call).
        case mappingOfAny(Shape)
        case sequence(Shape)
        /// Anything: scalars, contexts (free-form JSON).
        case free
    }

    static let tuple = Shape.mapping(
        "a tuple",
        ["user": .free, "relation": .free, "object": .free, "condition": .mapping("a condition", ["name": .free, "context": .free])])

    static let test = Shape.mapping(
        "a test",
        [
            "name": .free, "description": .free, "tuple_file": .free, "tuples": .sequence(tuple),
            "check": .sequence(.mapping("a check", ["user": .free, "object": .free, "context": .free, "assertions": .free])),
            "list_objects": .sequence(
                .mapping("a list_objects entry", ["user": .free, "type": .free, "context": .free, "assertions": .free])),
            "list_users": .sequence(
                .mapping(
                    "a list_users entry",
                    [
                        "object": .free, "context": .free,
                        "user_filter": .sequence(.mapping("a user_filter", ["type": .free, "relation": .free])),
                        "assertions": .mappingOfAny(.mapping("a list_users assertion", ["users": .free])),
                    ])),
        ])

    static let store = Shape.mapping(
        "the store file",
        [
            "name": .free, "model": .free, "model_file": .free, "tuple_file": .free, "tuple_files": .free,
            "tuples": .sequence(tuple), "tests": .sequence(test),
        ])

    /// The first unknown key in `node`, as (line, column, message), both 1-based; nil when every key is known.
    static func firstUnknownKey(in node: Node, shape: Shape = store) -> (line: Int, column: Int, message: String)? {
        switch (shape, node) {
        case (.mapping(let what, let keys), .mapping(let mapping)):
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard let inner = keys[name] else {
                    let allowed = keys.keys.sorted().joined(separator: ", ")
                    return (
                        key.mark?.line ?? 0, key.mark?.column ?? 0,
                        "unknown key '\(name)' in \(what) (known keys: \(allowed))"
                    )
                }
                if let found = firstUnknownKey(in: value, shape: inner) { return found }
            }
        case (.mappingOfAny(let inner), .mapping(let mapping)):
            for (_, value) in mapping {
                if let found = firstUnknownKey(in: value, shape: inner) { return found }
            }
        case (.sequence(let inner), .sequence(let sequence)):
            for element in sequence {
                if let found = firstUnknownKey(in: element, shape: inner) { return found }
            }
        default:
            break
        }
        return nil
    }
}

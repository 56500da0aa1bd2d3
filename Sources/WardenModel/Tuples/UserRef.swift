/// The user side of a tuple: a concrete object (`user:anne`), every object of a type (`user:*`), or a userset
/// (`group:eng#member`, everyone with `member` on `group:eng`).
public enum UserRef: Hashable, Sendable, CustomStringConvertible {
    case object(ObjectRef)
    case wildcard(type: String)
    case userset(ObjectRef, relation: String)

    /// Parses `type:id`, `type:*` or `type:id#relation`.
    /// - Throws: ``TupleReferenceError`` naming what is malformed.
    public init(parsing text: String) throws(TupleReferenceError) {
        if let hash = text.firstIndex(of: "#") {
            let relation = String(text[text.index(after: hash)...])
            guard !relation.isEmpty, ModelValidator.matchesNamingRule(relation, maximumLength: 50) else {
                throw TupleReferenceError(text: text, reason: "'\(relation)' is not a valid relation name")
            }
            let object = try ObjectRef(parsing: String(text[..<hash]))
            self = .userset(object, relation: relation)
            return
        }
        if text.hasSuffix(":*") {
            let type = String(text.dropLast(2))
            try ObjectRef.validateType(type, in: text)
            self = .wildcard(type: type)
            return
        }
        self = .object(try ObjectRef(parsing: text))
    }

    /// The user's type.
    public var type: String {
        switch self {
        case .object(let object), .userset(let object, _): object.type
        case .wildcard(let type): type
        }
    }

    public var description: String {
        switch self {
        case .object(let object): object.description
        case .wildcard(let type): "\(type):*"
        case .userset(let object, let relation): "\(object)#\(relation)"
        }
    }
}

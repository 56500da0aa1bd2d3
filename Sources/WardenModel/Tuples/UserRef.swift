/// The user side of a tuple: a concrete object (`user:anne`), every object of a type (`user:*`), or a userset
/// (`group:eng#member`, everyone with `member` on `group:eng`).
public enum UserRef: Hashable, Sendable, CustomStringConvertible {
    case object(ObjectRef)
    case wildcard(type: String)
    case userset(ObjectRef, relation: String)

    public static func == (lhs: UserRef, rhs: UserRef) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): a == b
        case (.wildcard(let a), .wildcard(let b)): a.bytesEqual(b)
        case (.userset(let a, let r), .userset(let b, let s)): a == b && r.bytesEqual(s)
        default: false
        }
    }

    /// Parses `type:id`, `type:*` or `type:id#relation`, splitting on bytes.
    /// - Throws: ``TupleReferenceError`` naming what is malformed; a userset of a wildcard (`group:*#member`) or
    ///   of an id holding `*` is malformed, as OpenFGA's server says.
    public init(parsing text: String) throws(TupleReferenceError) {
        if let (objectText, relation) = text.splitOnce(at: UInt8(ascii: "#")) {
            guard !relation.isEmpty, ModelValidator.matchesNamingRule(relation, maximumLength: 50) else {
                throw TupleReferenceError(text: text, reason: "'\(relation.quotedForMessage())' is not a valid relation name")
            }
            let object = try ObjectRef(parsing: objectText)
            guard !object.id.utf8.contains(UInt8(ascii: "*")) else {
                throw TupleReferenceError(text: text, reason: "the 'user' field is malformed: a userset's object id cannot hold '*'")
            }
            self = .userset(object, relation: relation)
            return
        }
        if text.utf8.count >= 2, text.utf8.suffix(2).elementsEqual(":*".utf8) {
            let type = String(decoding: text.utf8.dropLast(2), as: UTF8.self)
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

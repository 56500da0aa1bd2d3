/// The identity of a relationship tuple: `user` has `relation` on `object`, as in OpenFGA's
/// `document:roadmap#viewer@user:anne`.
///
/// Two tuples with the same key are the same tuple whatever their conditions; a store holds at most one. Keys
/// compare by UTF-8 bytes, as OpenFGA compares them.
public struct TupleKey: Hashable, Sendable, CustomStringConvertible {
    /// The object the relation is on.
    public var object: ObjectRef
    /// The relation's name.
    public var relation: String
    /// Who has the relation: a user, every user of a type, or a userset.
    public var user: UserRef

    public init(object: ObjectRef, relation: String, user: UserRef) {
        self.object = object
        self.relation = relation
        self.user = user
    }

    public static func == (lhs: TupleKey, rhs: TupleKey) -> Bool {
        lhs.object == rhs.object && lhs.relation.bytesEqual(rhs.relation) && lhs.user == rhs.user
    }

    /// Parses the three parts as OpenFGA's API writes them (`document:1`, `viewer`, `user:anne`).
    /// - Throws: ``TupleReferenceError`` naming the malformed part.
    public init(object: String, relation: String, user: String) throws(TupleReferenceError) {
        let parsedObject = try ObjectRef(parsing: object)
        guard ModelValidator.matchesNamingRule(relation, maximumLength: 50) else {
            throw TupleReferenceError(text: relation, reason: "'\(relation.quotedForMessage())' is not a valid relation name")
        }
        self.init(object: parsedObject, relation: relation, user: try UserRef(parsing: user))
    }

    /// OpenFGA's tuple string, `object#relation@user`.
    public var description: String { "\(object)#\(relation)@\(user)" }

    /// Whether any part holds an invisible or direction-changing character (see `String.hasInvisibleCharacters`),
    /// decided without building the tuple's string.
    public var hasInvisibleCharacters: Bool {
        let userHas = switch user {
        case .object(let object): object.type.hasInvisibleCharacters || object.id.hasInvisibleCharacters
        case .userset(let object, let relation):
            object.type.hasInvisibleCharacters || object.id.hasInvisibleCharacters || relation.hasInvisibleCharacters
        case .wildcard(let type): type.hasInvisibleCharacters
        }
        return userHas || object.type.hasInvisibleCharacters || object.id.hasInvisibleCharacters || relation.hasInvisibleCharacters
    }

}

/// A condition attached to a tuple: its name in the model and the context values stored with the tuple.
public struct TupleCondition: Hashable, Sendable {
    /// The condition's name, declared in the model.
    public var name: String
    /// The tuple's own parameter values (a JSON object), merged with the request's context at check time.
    public var context: JSONValue?

    public init(name: String, context: JSONValue? = nil) {
        self.name = name
        self.context = context
    }

    public static func == (lhs: TupleCondition, rhs: TupleCondition) -> Bool {
        lhs.name.bytesEqual(rhs.name) && lhs.context == rhs.context
    }
}

/// A relationship tuple as written and stored: its key and an optional condition.
public struct RelationshipTuple: Hashable, Sendable, CustomStringConvertible {
    /// What the tuple relates.
    public var key: TupleKey
    /// The condition that must hold for the tuple to count, if any.
    public var condition: TupleCondition?
    /// When the tuple stops counting, in milliseconds since 1970 (a Warden extension: OpenFGA tuples never
    /// expire). From that instant on a store shows it nowhere, and its sweeper deletes it.
    public var expiresAtMilliseconds: UInt64?

    public init(_ key: TupleKey, condition: TupleCondition? = nil, expiresAtMilliseconds: UInt64? = nil) {
        self.key = key
        self.condition = condition
        self.expiresAtMilliseconds = expiresAtMilliseconds
    }

    public var description: String {
        guard let condition else { return key.description }
        return "\(key) with \(condition.name)"
    }
}

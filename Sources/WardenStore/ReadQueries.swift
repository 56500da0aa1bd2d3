import WardenModel

/// Which tuples a ``TupleSnapshot/read(_:after:limit:)`` returns: OpenFGA's Read filter. Every field is optional;
/// an object id needs its object type, and a user filter needs an object type (as in OpenFGA).
public struct ReadFilter: Hashable, Sendable {
    public var objectType: String?
    public var objectID: String?
    public var relation: String?
    public var user: UserRef?

    public init(objectType: String? = nil, objectID: String? = nil, relation: String? = nil, user: UserRef? = nil) {
        self.objectType = objectType
        self.objectID = objectID
        self.relation = relation
        self.user = user
    }

    /// Whether `tuple` passes the filter.
    public func matches(_ key: TupleKey) -> Bool {
        (objectType.map { $0.bytesEqual(key.object.type) } ?? true) && (objectID.map { $0.bytesEqual(key.object.id) } ?? true)
            && (relation.map { $0.bytesEqual(key.relation) } ?? true) && (user.map { $0 == key.user } ?? true)
    }
}

/// An opaque position in a paged query; pass it back to continue where the previous page stopped.
public struct ContinuationToken: Hashable, Sendable, CustomStringConvertible {
    /// The token as text (URL-safe base64), as APIs and the CLI show it.
    public var text: String

    public init(text: String) {
        self.text = text
    }

    public var description: String { text }
}

/// One page of tuples and, when more remain, the token for the next page.
public struct TuplePage: Hashable, Sendable {
    public var tuples: [RelationshipTuple]
    /// Nil when this is the last page.
    public var continuation: ContinuationToken?

    public init(tuples: [RelationshipTuple], continuation: ContinuationToken?) {
        self.tuples = tuples
        self.continuation = continuation
    }
}

/// One entry of a store's changelog: a tuple written or deleted at a revision.
public struct TupleChange: Hashable, Sendable {
    public enum Operation: String, Hashable, Sendable {
        case write = "TUPLE_OPERATION_WRITE"
        case delete = "TUPLE_OPERATION_DELETE"
    }

    public var tuple: RelationshipTuple
    public var operation: Operation
    /// The revision the change committed in.
    public var revision: Revision
    /// Commit time, milliseconds since 1970.
    public var timestampMilliseconds: UInt64
    /// The continuation token that resumes right after this change (a watch sends it with each change, so a
    /// consumer that disconnects resumes without a gap or a repeat).
    public var position: ContinuationToken?

    public init(
        tuple: RelationshipTuple, operation: Operation, revision: Revision, timestampMilliseconds: UInt64,
        position: ContinuationToken? = nil
    ) {
        self.tuple = tuple
        self.operation = operation
        self.revision = revision
        self.timestampMilliseconds = timestampMilliseconds
        self.position = position
    }
}

/// One page of changes, oldest first, and the token to ask "what changed since" next time.
public struct ChangePage: Hashable, Sendable {
    public var changes: [TupleChange]
    /// Always present: pass it back to get only later changes (OpenFGA's ReadChanges contract).
    public var continuation: ContinuationToken?

    public init(changes: [TupleChange], continuation: ContinuationToken?) {
        self.changes = changes
        self.continuation = continuation
    }
}

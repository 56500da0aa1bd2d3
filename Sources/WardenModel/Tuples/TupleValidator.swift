/// Why a tuple cannot be written under a model (or sent as a contextual tuple), in OpenFGA's words.
public struct InvalidTupleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending tuple.
    public var tuple: TupleKey
    /// The reason, as OpenFGA words it (`type 'folder' not found`).
    public var reason: String

    public init(tuple: TupleKey, reason: String) {
        self.tuple = tuple
        self.reason = reason
    }

    /// OpenFGA's message: `Invalid tuple 'document:1#viewer@user:*'. Reason: …`.
    public var description: String { "Invalid tuple '\(tuple.description.quotedForMessage(limit: 600))'. Reason: \(reason)" }
}

/// Checks a tuple against a model the way OpenFGA's `ValidateTupleForWrite` does: the object type and relation
/// exist, the user's type (and userset relation) exist, the relation accepts that kind of user through one of
/// its type restrictions, and the tuple's condition (or lack of one) matches that restriction.
///
/// A pure function of model and tuple: writes and contextual tuples share it.
public struct TupleValidator: Sendable {
    /// Longest `type:id` object OpenFGA accepts, in bytes.
    public static let maximumObjectLength = 256
    /// Longest user string OpenFGA accepts, in bytes.
    public static let maximumUserLength = 512
    /// Largest condition context stored with one tuple, in bytes of JSON.
    public static let maximumContextLength = 32 * 1024

    /// Types, tupleset relations (`type#relation`) and conditions by their names' bytes: names that differ only by
    /// Unicode normalisation are different names, as in OpenFGA.
    private let types: [ByteString: KnownType]
    private let conditions: [ByteString: ConditionDefinition]
    /// Reads a tuple's context as the condition's parameter types; the reason it cannot, or nil.
    private let contextCheck: (@Sendable (JSONValue, ConditionDefinition) -> String?)?

    /// - Parameter contextCheck: how to read stored context values as parameters (the condition evaluator's
    ///   conversion; without it only the parameter names are checked).
    public init(model: AuthorizationModel, contextCheck: (@Sendable (JSONValue, ConditionDefinition) -> String?)? = nil) {
        self.contextCheck = contextCheck
        var types: [ByteString: KnownType] = [:]
        for type in model.typeDefinitions where types[ByteString(type.name)] == nil {
            var tuplesets: [String] = []
            for relation in type.relations {
                Self.collectTuplesets(relation.rewrite) { name in
                    if !tuplesets.contains(where: { $0.bytesEqual(name) }) { tuplesets.append(name) }
                }
            }
            types[ByteString(type.name)] = KnownType(definition: type, tuplesetRelations: tuplesets)
        }
        self.types = types
        self.conditions = Dictionary(model.conditions.map { (ByteString($0.name), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A type of the model and the relations of its own that some tuple-to-userset reads as its tupleset.
    private struct KnownType: Sendable {
        var definition: TypeDefinition
        var tuplesetRelations: [String]
    }

    private static func collectTuplesets(_ rewrite: Rewrite, _ found: (String) -> Void) {
        if case .tupleToUserset(let tupleset, _, _, _) = rewrite { found(tupleset) }
        for child in rewrite.children { collectTuplesets(child, found) }
    }

    /// Validates one tuple.
    /// - Throws: ``InvalidTupleError`` naming the tuple and the first rule it breaks.
    public func validate(_ tuple: RelationshipTuple) throws(InvalidTupleError) {
        let key = tuple.key
        func fail(_ reason: String) -> InvalidTupleError { InvalidTupleError(tuple: key, reason: reason) }

        if Self.byteCount(of: key.object) > Self.maximumObjectLength {
            throw fail("the object is longer than \(Self.maximumObjectLength) bytes")
        }
        if Self.byteCount(of: key.user) > Self.maximumUserLength {
            throw fail("the user is longer than \(Self.maximumUserLength) bytes")
        }
        if case .userset(let object, _) = key.user, !ObjectRef.isValidID(object.id) || object.id.utf8.contains(UInt8(ascii: "*")) {
            throw fail("the 'user' field is malformed")
        }
        if key.object.id == "*" { throw fail("the 'object' field cannot reference a typed wildcard") }
        if let condition = tuple.condition, !Self.isValidConditionName(condition.name) {
            throw fail(#"invalid RelationshipCondition.Name: value does not match regex pattern "^[^\s]{2,256}$""#)
        }
        // User first, then object, then relation: OpenFGA's order, so the same tuple names the same problem.
        guard let userType = types[ByteString(key.user.type)]?.definition else { throw fail("type '\(key.user.type)' not found") }
        if case .userset(_, let relation) = key.user, userType.relation(named: relation) == nil {
            throw fail("relation '\(userType.name)#\(relation)' not found")
        }
        guard let known = types[ByteString(key.object.type)] else { throw fail("type '\(key.object.type)' not found") }
        let objectType = known.definition
        guard let relation = objectType.relation(named: key.relation) else {
            throw fail("relation '\(objectType.name)#\(key.relation)' not found")
        }
        // Built only for a message: a valid tuple costs no string.
        var qualified: String { "\(objectType.name)#\(relation.name)" }
        // `group:eng#member@group:eng#member` says nothing: every userset holds itself.
        if case .userset(let object, let userRelation) = key.user, object == key.object, userRelation.bytesEqual(key.relation) {
            throw fail("cannot write a tuple that is implicit")
        }
        if known.tuplesetRelations.contains(where: { $0.bytesEqual(relation.name) }) {
            switch key.user {
            case .wildcard: throw fail("unexpected wildcard relationship with tupleset relation '\(qualified)'")
            case .userset: throw fail("unexpected userset relationship with tupleset relation '\(qualified)'")
            case .object: break
            }
        }
        let matching = relation.directlyRelatedUserTypes.lazy.filter { Self.restriction($0, accepts: key.user) }
        guard !matching.isEmpty else {
            switch key.user {
            case .wildcard(let type):
                throw fail("the typed wildcard '\(type):*' is not an allowed type restriction for '\(qualified)'")
            case .userset(let object, let userRelation):
                throw fail("'\(object.type)#\(userRelation)' is not an allowed type restriction for '\(qualified)'")
            case .object(let object):
                throw fail("type '\(object.type)' is not an allowed type restriction for '\(qualified)'")
            }
        }
        guard let condition = tuple.condition else {
            if !matching.contains(where: { $0.condition == nil }) {
                throw fail("condition is missing")
            }
            return
        }
        guard let definition = conditions[ByteString(condition.name)] else {
            throw fail("undefined condition")
        }
        guard matching.contains(where: { $0.condition?.bytesEqual(condition.name) ?? false }) else {
            throw fail("invalid condition for type restriction")
        }
        try validateContext(condition, definition, fail)
    }

    private func validateContext(
        _ condition: TupleCondition, _ definition: ConditionDefinition, _ fail: (String) -> InvalidTupleError
    ) throws(InvalidTupleError) {
        guard let context = condition.context else { return }
        guard case .object(let members) = context else { throw fail("the condition context must be a JSON object") }
        for (name, _) in members where !definition.parameters.contains(where: { $0.name == name }) {
            throw fail("found invalid context parameter: \(name)")
        }
        if let problem = contextCheck?(context, definition) { throw fail(problem) }
        if context.compact.utf8.count > Self.maximumContextLength {
            throw fail("the condition context is larger than \(Self.maximumContextLength) bytes")
        }
    }

    /// Whether one type restriction (`user`, `user:*`, `group#member`) admits `user`, conditions aside; names
    /// compare by bytes.
    public static func restriction(_ restriction: TypeRestriction, accepts user: UserRef) -> Bool {
        switch user {
        case .object(let object):
            restriction.type.bytesEqual(object.type) && restriction.relation == nil && !restriction.wildcard
        case .wildcard(let type): restriction.type.bytesEqual(type) && restriction.wildcard
        case .userset(let object, let relation):
            restriction.type.bytesEqual(object.type) && (restriction.relation?.bytesEqual(relation) ?? false)
        }
    }

    /// A tuple's condition name as OpenFGA's API accepts it: 2 to 256 characters, none of them whitespace.
    public static func isValidConditionName(_ name: String) -> Bool {
        let count = name.unicodeScalars.count
        return count >= 2 && count <= 256 && !name.unicodeScalars.contains(where: ObjectRef.isGoSpace)
    }

    /// The bytes of `type:id`, without building it.
    private static func byteCount(of object: ObjectRef) -> Int {
        object.type.utf8.count + 1 + object.id.utf8.count
    }

    /// The bytes of the user as written (`type:id`, `type:*`, `type:id#relation`), without building it.
    private static func byteCount(of user: UserRef) -> Int {
        switch user {
        case .object(let object): byteCount(of: object)
        case .wildcard(let type): type.utf8.count + 2
        case .userset(let object, let relation): byteCount(of: object) + 1 + relation.utf8.count
        }
    }
}

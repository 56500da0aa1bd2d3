import Foundation
import Warden
import WardenModel
import WardenStore

/// Tuples, users and timestamps in OpenFGA's JSON shapes, for the server and for clients.
public enum WireTuples {
    /// `{user, relation, object, condition?: {name, context?}}`, read as tuple files read it (``TupleFile``).
    public static func tuple(_ value: JSONValue) throws(WireError) -> RelationshipTuple {
        do {
            return try TupleFile.tuple(from: value)
        } catch let diagnostic as Diagnostic {
            throw WireError.validation(diagnostic.message)
        } catch {
            throw WireError.validation("\(error)")
        }
    }

    /// A key without condition (deletes): `{user, relation, object}`.
    static func key(_ value: JSONValue) throws(WireError) -> TupleKey {
        try tuple(value).key
    }

    public static func json(_ key: TupleKey) -> JSONValue { TupleFile.json(RelationshipTuple(key)) }

    public static func json(_ tuple: RelationshipTuple) -> JSONValue { TupleFile.json(tuple) }

    /// `{"contextual_tuples": {"tuple_keys": [...]}}` (or a bare list, as some clients send).
    static func contextual(_ fields: WireFields) throws(WireError) -> [RelationshipTuple] {
        var values: [JSONValue] = []
        switch fields.members["contextual_tuples"] {
        case .object?: values = try fields.object("contextual_tuples")?.array("tuple_keys") ?? []
        case .array(let list)?: values = list
        default: values = []
        }
        guard values.count <= 100 else { throw WireError.validation("at most 100 contextual tuples") }
        var tuples: [RelationshipTuple] = []
        for value in values { tuples.append(try tuple(value)) }
        return tuples
    }

    /// ListUsers' user shapes: `{object: {type, id}}`, `{userset: {type, id, relation}}`, `{wildcard: {type}}`.
    public static func listUser(_ user: UserRef) -> JSONValue {
        switch user {
        case .object(let object):
            .object([("object", .object([("type", .string(object.type)), ("id", .string(object.id))]))])
        case .userset(let object, let relation):
            .object([("userset", .object([("type", .string(object.type)), ("id", .string(object.id)), ("relation", .string(relation))]))])
        case .wildcard(let type):
            .object([("wildcard", .object([("type", .string(type))]))])
        }
    }

    /// The user a ListUsers entry names (the inverse of ``listUser(_:)``).
    public static func user(fromListEntry value: JSONValue) throws(WireError) -> UserRef {
        if let object = value["object"], case .string(let type)? = object["type"], case .string(let id)? = object["id"] {
            return .object(ObjectRef(type: type, id: id))
        }
        if let userset = value["userset"], case .string(let type)? = userset["type"], case .string(let id)? = userset["id"],
            case .string(let relation)? = userset["relation"]
        {
            return .userset(ObjectRef(type: type, id: id), relation: relation)
        }
        if case .string(let type)? = value["wildcard"]?["type"] { return .wildcard(type: type) }
        throw WireError.validation("not a ListUsers user: \(value.compact)")
    }

    /// One change as ReadChanges writes it: `tuple_key`, `operation`, `timestamp`.
    static func changeMembers(_ change: TupleChange) -> [(String, JSONValue)] {
        [
            ("tuple_key", json(change.tuple)), ("operation", .string(change.operation.rawValue)),
            ("timestamp", timestamp(Date(timeIntervalSince1970: Double(change.timestampMilliseconds) / 1000))),
        ]
    }

    static func timestamp(_ date: Date) -> JSONValue {
        .string(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}

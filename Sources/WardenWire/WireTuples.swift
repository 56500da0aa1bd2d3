import Foundation
import Warden
import WardenModel
import WardenStore

/// Tuples, users and timestamps in OpenFGA's JSON shapes.
enum WireTuples {
    /// `{user, relation, object, condition?: {name, context?}}`, read as tuple files read it (``TupleFile``).
    static func tuple(_ value: JSONValue) throws(WireError) -> RelationshipTuple {
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

    static func json(_ key: TupleKey) -> JSONValue { TupleFile.json(RelationshipTuple(key)) }

    static func json(_ tuple: RelationshipTuple) -> JSONValue { TupleFile.json(tuple) }

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
    static func listUser(_ user: UserRef) -> JSONValue {
        switch user {
        case .object(let object):
            .object([("object", .object([("type", .string(object.type)), ("id", .string(object.id))]))])
        case .userset(let object, let relation):
            .object([("userset", .object([("type", .string(object.type)), ("id", .string(object.id)), ("relation", .string(relation))]))])
        case .wildcard(let type):
            .object([("wildcard", .object([("type", .string(type))]))])
        }
    }

    static func timestamp(_ date: Date) -> JSONValue {
        .string(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}

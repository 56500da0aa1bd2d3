import WardenModel
import WardenStore

/// The userset tree of one relation on one object, one level deep, as OpenFGA's Expand returns it: the rewrite's
/// shape with the stored users at its direct leaves. For debugging a model, not for access decisions.
public indirect enum UsersetTree: Hashable, Sendable {
    /// Users written directly: `user:anne`, `user:*`, `group:eng#member`.
    case users(String, [String])
    /// Another relation on the same object: `document:1#editor`.
    case computed(String, String)
    /// `relation from tupleset`: the usersets of each parent, `folder:x#viewer`.
    case tupleToUserset(String, tupleset: String, computed: [String])
    case union(String, [UsersetTree])
    case intersection(String, [UsersetTree])
    case difference(String, base: UsersetTree, subtract: UsersetTree)

    /// OpenFGA's Expand JSON (`{"root": {"name": …, "union": {"nodes": […]}}}` shape, without the envelope).
    public var json: JSONValue {
        switch self {
        case .users(let name, let users):
            return .object([("name", .string(name)), ("leaf", .object([("users", .object([("users", .array(users.map(JSONValue.string)))]))]))])
        case .computed(let name, let userset):
            return .object([("name", .string(name)), ("leaf", .object([("computed", .object([("userset", .string(userset))]))]))])
        case .tupleToUserset(let name, let tupleset, let computed):
            let computedList = JSONValue.array(computed.map { .object([("userset", .string($0))]) })
            return .object([
                ("name", .string(name)),
                ("leaf", .object([("tupleToUserset", .object([("tupleset", .string(tupleset)), ("computed", computedList)]))])),
            ])
        case .union(let name, let nodes):
            return .object([("name", .string(name)), ("union", .object([("nodes", .array(nodes.map(\.json)))]))])
        case .intersection(let name, let nodes):
            return .object([("name", .string(name)), ("intersection", .object([("nodes", .array(nodes.map(\.json)))]))])
        case .difference(let name, let base, let subtract):
            return .object([("name", .string(name)), ("difference", .object([("base", base.json), ("subtract", subtract.json)]))])
        }
    }
}

extension CheckEngine {
    /// Expands `relation` on `object` one level.
    /// - Throws: ``CheckError`` `.typeNotFound` / `.relationNotFound`, or a store failure.
    public func expand<Snapshot: TupleSnapshot>(
        relation: String, object: ObjectRef, model: CompiledModel, snapshot: Snapshot
    ) throws(CheckError) -> UsersetTree {
        guard model.hasType(object.type) else { throw CheckError(.typeNotFound, "type '\(object.type)' not found") }
        guard let compiled = model.relation(object.type, relation) else {
            throw CheckError(.relationNotFound, "relation '\(object.type)#\(relation)' not found")
        }
        return try expand(compiled.rewrite, name: "\(object)#\(relation)", object: object, relation: relation, model: model, snapshot: snapshot)
    }

    private func expand<Snapshot: TupleSnapshot>(
        _ rewrite: Rewrite, name: String, object: ObjectRef, relation: String, model: CompiledModel, snapshot: Snapshot
    ) throws(CheckError) -> UsersetTree {
        func read(_ relation: String, userRelation: String?) throws(CheckError) -> [RelationshipTuple] {
            do {
                return try snapshot.tuples(object: object, relation: relation, userType: nil, userRelation: userRelation)
            } catch {
                throw CheckError(error)
            }
        }
        switch rewrite {
        case .direct:
            return .users(name, try read(relation, userRelation: nil).map(\.key.user.description))
        case .computedUserset(let target, _):
            return .computed(name, "\(object)#\(target)")
        case .tupleToUserset(let tupleset, let computed, _, _):
            let parents = try read(tupleset, userRelation: "").compactMap { tuple -> String? in
                guard case .object(let parent) = tuple.key.user, model.relation(parent.type, computed) != nil else { return nil }
                return "\(parent)#\(computed)"
            }
            return .tupleToUserset(name, tupleset: "\(object)#\(tupleset)", computed: parents)
        case .union(let children):
            var nodes: [UsersetTree] = []
            for child in children { nodes.append(try expand(child, name: name, object: object, relation: relation, model: model, snapshot: snapshot)) }
            return .union(name, nodes)
        case .intersection(let children):
            var nodes: [UsersetTree] = []
            for child in children { nodes.append(try expand(child, name: name, object: object, relation: relation, model: model, snapshot: snapshot)) }
            return .intersection(name, nodes)
        case .exclusion(let base, let subtract):
            return .difference(
                name, base: try expand(base, name: name, object: object, relation: relation, model: model, snapshot: snapshot),
                subtract: try expand(subtract, name: name, object: object, relation: relation, model: model, snapshot: snapshot))
        }
    }
}

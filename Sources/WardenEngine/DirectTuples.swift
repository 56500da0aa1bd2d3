import WardenModel
import WardenStore

/// Point reads of a relation's direct tuples over one snapshot: the exact tuple and the user type's wildcard,
/// each counted only when the model still admits it and its condition holds for the request's context.
///
/// Static functions over a snapshot and model the caller lends (no value holding a copy of the snapshot, whose
/// reference counts a check would write), so a check of a relation made of direct tuples alone (`define viewer:
/// [user, user:*]`, the commonest question a service asks) answers without allocating a walk, a memo or a key
/// string.
enum DirectTuples<Snapshot: TupleSnapshot> {
    /// The key of a point-read branch of `problem` under `relation`: 0 is the exact tuple, 1 the wildcard of the
    /// user's type (nil when the relation admits no such wildcard, or the user is a userset).
    static func key(branch: Int, _ relation: CompiledRelation, _ problem: Subproblem) -> TupleKey? {
        if branch == 0 { return TupleKey(object: problem.object, relation: problem.relation, user: problem.user) }
        guard case .object(let user) = problem.user, relation.admitsWildcard(of: user.type) else { return nil }
        return TupleKey(object: problem.object, relation: problem.relation, user: .wildcard(type: user.type))
    }

    /// Whether a tuple is stored under `key` and `relation`'s type restrictions still admit it (a newer model may
    /// no longer allow what an older one wrote): nil when not, else its condition (not evaluated yet; nil for none).
    static func admitted(
        _ key: TupleKey, in relation: CompiledRelation, snapshot: Snapshot, model: CompiledModel
    ) throws(CheckError) -> TupleCondition?? {
        let read = try CheckError.reading { () throws(StoreError) in try snapshot.pointRead(key) }
        guard case .present(let condition) = read, model.admits(key.user, condition: condition?.name, in: relation)
        else { return nil }
        return .some(condition)
    }

    /// The answer for a relation of direct tuples only: the exact tuple or the wildcard, with OpenFGA's union
    /// rules (a condition error counts only when the other branch does not grant). A tuple is built only for a
    /// condition to evaluate.
    static func terminalAnswer(
        _ relation: CompiledRelation, _ problem: Subproblem, snapshot: Snapshot, model: CompiledModel,
        conditions: ConditionScope
    ) throws(CheckError) -> Outcome {
        try SetOperations.union(count: 2) { branch throws(CheckError) in
            guard let key = key(branch: branch, relation, problem),
                let condition = try admitted(key, in: relation, snapshot: snapshot, model: model)
            else { return .no }
            guard let condition else { return .yes }
            let tuple = RelationshipTuple(key, condition: condition)
            return try conditions.holds(tuple, model: model) ? .yes : .no
        }
    }
}

/// A request's condition evaluator and context, handed along without counting a reference on the evaluator: one
/// evaluator serves every thread, and a count per tuple would be written by every core. Lives inside one engine call,
/// whose caller holds the engine and so its evaluator.
struct ConditionScope {
    unowned(unsafe) let evaluator: any ConditionEvaluating
    let context: JSONValue?

    /// Whether a tuple counts: it has no condition (the evaluator is not touched), or its condition holds.
    /// - Throws: ``CheckError`` when the condition cannot be evaluated (a parameter missing from the context).
    func holds(_ tuple: RelationshipTuple, model: CompiledModel) throws(CheckError) -> Bool {
        guard let condition = tuple.condition else { return true }
        guard let definition = model.condition(named: condition.name) else { return false }
        return try evaluator.evaluate(definition, tuple: tuple, requestContext: context)
    }
}

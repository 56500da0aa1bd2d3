import WardenModel
import WardenStore

/// Point reads of a relation's direct tuples over one snapshot: the exact tuple and the user type's wildcard,
/// each counted only when the model still admits it and its condition holds for the request's context.
///
/// A value, so a check of a relation made of direct tuples alone (`define viewer: [user, user:*]`, the commonest
/// question a service asks) answers through it without allocating a walk, a memo or a key string.
struct DirectTuples<Snapshot: TupleSnapshot> {
    let snapshot: Snapshot
    let model: CompiledModel
    // Unretained: a lookup lives inside one engine call, whose caller holds the engine and so its evaluator; one
    // evaluator serves every thread, and a reference count on it per check would be written by every core.
    unowned(unsafe) let conditions: any ConditionEvaluating
    let context: JSONValue?

    /// The key of a point-read branch of `problem` under `relation`: 0 is the exact tuple, 1 the wildcard of the
    /// user's type (nil when the relation admits no such wildcard, or the user is a userset).
    static func key(branch: Int, _ relation: CompiledRelation, _ problem: Subproblem) -> TupleKey? {
        if branch == 0 { return TupleKey(object: problem.object, relation: problem.relation, user: problem.user) }
        guard case .object(let user) = problem.user, relation.admitsWildcard(of: user.type) else { return nil }
        return TupleKey(object: problem.object, relation: problem.relation, user: .wildcard(type: user.type))
    }

    /// The tuple stored under `key` when it exists and `relation`'s type restrictions still admit it (a newer
    /// model may no longer allow what an older one wrote); its condition is not evaluated yet.
    func admitted(_ key: TupleKey, in relation: CompiledRelation) throws(CheckError) -> RelationshipTuple? {
        let tuple: RelationshipTuple?
        do throws(StoreError) {
            tuple = try snapshot.tuple(key)
        } catch {
            throw CheckError(error)
        }
        guard let tuple, model.admits(tuple, in: relation) else { return nil }
        return tuple
    }

    /// Whether a tuple counts for the request: it has no condition, or its condition holds for the context.
    /// - Throws: ``CheckError`` when the condition cannot be evaluated (a parameter missing from the context).
    func conditionHolds(_ tuple: RelationshipTuple) throws(CheckError) -> Bool {
        guard let condition = tuple.condition else { return true }
        guard let definition = model.condition(named: condition.name) else { return false }
        return try conditions.evaluate(definition, tuple: tuple, requestContext: context)
    }

    /// The answer for a relation of direct tuples only: the exact tuple or the wildcard, with OpenFGA's union
    /// rules (a condition error counts only when the other branch does not grant).
    func terminalAnswer(_ relation: CompiledRelation, _ problem: Subproblem) throws(CheckError) -> Outcome {
        try SetOperations.union(count: 2) { branch throws(CheckError) in
            guard let key = Self.key(branch: branch, relation, problem), let tuple = try admitted(key, in: relation),
                try conditionHolds(tuple)
            else { return .no }
            return .yes
        }
    }
}

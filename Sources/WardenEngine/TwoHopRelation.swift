import WardenModel
import WardenStore

/// `computed from tupleset` where both hops are direct tuples (`define can_write: manager from warehouse`, with
/// `define warehouse: [warehouse]` and `define manager: [user, client]`): the shape of the commonest inherited
/// permission. A check of it reads the object's parents and one or two point reads per parent, so it is answered
/// by ``DirectTuples/twoHopAnswer(_:_:snapshot:model:conditions:deadline:)`` without a walk, a memo or a subproblem per parent.
///
/// Only when nothing on the way can recurse, be conditioned or stand for a userset: the tupleset relation holds
/// unconditioned plain objects only, and on every parent type the computed relation is direct tuples of plain
/// users and wildcards (or is not defined there, which grants nothing). Its answer, errors and depth are the
/// walk's (`Walk.tupleToUserset` then `Walk.direct` one level deeper).
struct TwoHopRelation: Sendable {
    let tupleset: String
    let computed: String
    /// The object types the tupleset relation admits (a tuple to another type, or with a condition, is one an
    /// older model allowed, and counts for nothing).
    let parentTypes: [String]

    /// The two-hop form of `definition` on `type`, or nil when it is not one. `definitions` holds the model's
    /// relations (the first definition of each, as the compiled model keeps).
    init?(_ definition: RelationDefinition, on type: String, definitions: [RelationRef: RelationDefinition]) {
        guard case .tupleToUserset(let tupleset, let computed, _, _) = definition.rewrite,
            let tuplesetDefinition = definitions[RelationRef(type: type, relation: tupleset)],
            case .direct = tuplesetDefinition.rewrite
        else { return nil }
        let parents = tuplesetDefinition.directlyRelatedUserTypes
        guard parents.allSatisfy({ $0.relation == nil && !$0.wildcard && $0.condition == nil }) else { return nil }
        for parent in parents {
            guard let target = definitions[RelationRef(type: parent.type, relation: computed)] else { continue }
            guard case .direct = target.rewrite, target.directlyRelatedUserTypes.allSatisfy({ $0.relation == nil })
            else { return nil }
        }
        self.tupleset = tupleset
        self.computed = computed
        self.parentTypes = parents.map(\.type)
    }

    /// Whether the tupleset relation still admits a stored tuple (``CompiledModel/admits(_:in:)`` for its plain,
    /// unconditioned restrictions), and the parent it points at.
    func admittedParent(_ tuple: RelationshipTuple) -> ObjectRef? {
        guard tuple.condition == nil, case .object(let parent) = tuple.key.user,
            parentTypes.contains(where: { $0.bytesEqual(parent.type) })
        else { return nil }
        return parent
    }
}

extension DirectTuples {
    /// The answer to `problem` on a ``TwoHopRelation``, and the depth the walk would report (1 once a parent is
    /// asked about, else 0): the parents in key order, each asked as a relation of direct tuples one level
    /// deeper, the first "yes" winning and an error counting only when no parent grants (OpenFGA's union).
    /// - Parameter deadline: looked at every 64 parents, as the walk looks every 64 subproblems.
    static func twoHopAnswer(
        _ twoHop: TwoHopRelation, _ problem: Subproblem, snapshot: Snapshot, model: CompiledModel,
        conditions: ConditionScope, deadline: ContinuousClock.Instant?
    ) throws(CheckError) -> (outcome: Outcome, depth: Int) {
        var depth = 0
        var visited = 0
        var granted = false
        var firstError: CheckError?
        // Each parent is asked about as the scan reaches it (every backend allows point reads inside a scan: LMDB
        // and the in-memory tables read one snapshot, PostgreSQL hands over a page it has already fetched).
        do throws(StoreError) {
            try snapshot.visitTuples(object: problem.object, relation: twoHop.tupleset, userType: nil, userRelation: "") { tuple in
                guard let parent = twoHop.admittedParent(tuple), let computed = model.relation(parent.type, twoHop.computed)
                else { return true }
                do throws(CheckError) {
                    visited += 1
                    if visited & 63 == 0, let deadline, ContinuousClock.now >= deadline {
                        throw CheckError.deadlineExceeded()
                    }
                    depth = 1
                    let asked = Subproblem(object: parent, relation: twoHop.computed, user: problem.user)
                    granted = try terminalAnswer(computed, asked, snapshot: snapshot, model: model, conditions: conditions).allowed
                } catch {
                    if firstError == nil { firstError = error }
                }
                return !granted
            }
        } catch {
            throw CheckError(error)
        }
        if granted { return (.yes, depth) }
        if let firstError { throw firstError }
        return (.no, depth)
    }
}

import WardenModel
import WardenStore

extension Walk {
    /// Direct relationships, cheapest first: the exact tuple, then the user type's wildcard, then each userset
    /// the relation admits (`group#member`), whose members are resolved one hop deeper. A union of those branches.
    /// - Parameter excludingUserset: a userset restriction to leave out (the recursion itself, which OpenFGA's
    ///   recursive fast path walks breadth-first instead).
    func direct(
        _ relation: CompiledRelation, _ problem: Subproblem, depth: Int, excludingUserset: RelationRef? = nil
    ) throws(CheckError) -> Outcome {
        let usersets = relation.usersetRestrictions
        return try SetOperations.union(count: 2 + usersets.count) { branch throws(CheckError) in
            switch branch {
            case 0, 1:
                guard let key = DirectTuples<Snapshot>.key(branch: branch, relation, problem) else { return .no }
                return try tuple(key, relation, rule: branch == 0 ? "tuple" : "wildcard tuple")
            default:
                let userset = usersets[branch - 2]
                // The excluded restriction is a branch that grants nothing (no filtered copy of the list).
                if userset == excludingUserset { return .no }
                let tuples = try read { () throws(StoreError) in
                    try snapshot.tuples(object: problem.object, relation: problem.relation, userType: userset.type, userRelation: userset.relation)
                }
                return try anyChild(of: tuples.filter { model.admits($0, in: relation) }, rule: "userset tuple", depth: depth) { tuple in
                    guard case .userset(let group, let groupRelation) = tuple.key.user else { return nil }
                    return Subproblem(object: group, relation: groupRelation, user: problem.user)
                }
            }
        }
    }

    /// One stored tuple by key: yes when it exists, the model still admits it, and its condition holds.
    private func tuple(_ key: TupleKey, _ relation: CompiledRelation, rule: String) throws(CheckError) -> Outcome {
        guard let condition = try DirectTuples.admitted(key, in: relation, snapshot: snapshot, model: model) else { return .no }
        guard let condition else {
            explanation?.leaf(key.description, rule, .yes)
            return .yes
        }
        let tuple = RelationshipTuple(key, condition: condition)
        guard try conditionHolds(tuple) else { return .no }
        explanation?.leaf(tuple.description, rule, .yes)
        return .yes
    }

    /// `computed from tupleset`: for each object the tupleset relation points at, does the user have `computed`
    /// on it? One hop deeper per parent.
    func tupleToUserset(tupleset: String, computed: String, _ problem: Subproblem, depth: Int) throws(CheckError) -> Outcome {
        guard let tuplesetRelation = model.relation(problem.object.type, tupleset) else { return .no }
        let parents = try read { () throws(StoreError) in
            try snapshot.tuples(object: problem.object, relation: tupleset, userType: nil, userRelation: "")
        }
        return try anyChild(of: parents.filter { model.admits($0, in: tuplesetRelation) }, rule: "tupleset tuple", depth: depth) { tuple in
            guard case .object(let parent) = tuple.key.user, model.relation(parent.type, computed) != nil else { return nil }
            return Subproblem(object: parent, relation: computed, user: problem.user)
        }
    }

    /// The union over `tuples` (usersets or parents) of the subproblem each leads to, one hop deeper; a tuple
    /// whose condition fails leads nowhere.
    ///
    /// Conditions filter the tuples first, as OpenFGA's conditions-filtered iterator does: a condition that cannot
    /// be evaluated (a missing parameter) is an error only when no tuple passes the filter at all.
    private func anyChild(
        of tuples: [RelationshipTuple], rule: String, depth: Int, _ child: (RelationshipTuple) -> Subproblem?
    ) throws(CheckError) -> Outcome {
        var conditionError: CheckError?
        var anyPassed = false
        let outcome = try SetOperations.union(count: tuples.count) { index throws(CheckError) in
            let tuple = tuples[index]
            do throws(CheckError) {
                guard try conditionHolds(tuple) else { return .no }
            } catch {
                if conditionError == nil { conditionError = error }
                return .no
            }
            anyPassed = true
            guard let subproblem = child(tuple) else { return .no }
            explanation?.enter(tuple.description, rule)
            do throws(CheckError) {
                let outcome = try dispatch(subproblem, depth: depth + 1)
                explanation?.leave(outcome)
                return outcome
            } catch {
                explanation?.leave(nil)
                throw error
            }
        }
        if !outcome.allowed, !anyPassed, let conditionError { throw conditionError }
        return outcome
    }

    func read<Result>(_ body: () throws(StoreError) -> Result) throws(CheckError) -> Result {
        try CheckError.reading(body)
    }
}

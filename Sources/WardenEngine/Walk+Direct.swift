import WardenModel
import WardenStore

extension Walk {
    /// Direct relationships, cheapest first: the exact tuple, then the user type's wildcard, then each userset
    /// the relation admits (`group#member`), whose members are resolved one hop deeper.
    func direct(_ relation: CompiledRelation, _ problem: Subproblem, depth: Int) throws(CheckError) -> Outcome {
        var firstError: CheckError?
        let exact = TupleKey(object: problem.object, relation: problem.relation, user: problem.user)
        if let tuple = try read({ () throws(StoreError) in try snapshot.tuple(exact) }), model.admits(tuple, in: relation) {
            do throws(CheckError) {
                if try conditionHolds(tuple) {
                    explanation?.leaf(tuple.description, "tuple", .yes)
                    return .yes
                }
            } catch {
                firstError = error
            }
        }
        if case .object(let user) = problem.user, relation.wildcardTypes.contains(user.type) {
            let wildcard = TupleKey(object: problem.object, relation: problem.relation, user: .wildcard(type: user.type))
            if let tuple = try read({ () throws(StoreError) in try snapshot.tuple(wildcard) }), model.admits(tuple, in: relation) {
                do throws(CheckError) {
                    if try conditionHolds(tuple) {
                        explanation?.leaf(tuple.description, "wildcard tuple", .yes)
                        return .yes
                    }
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
        }
        var cycleBound = Int.max
        for userset in relation.usersetRestrictions {
            let tuples = try read { () throws(StoreError) in
                try snapshot.tuples(object: problem.object, relation: problem.relation, userType: userset.type, userRelation: userset.relation)
            }
            for tuple in tuples where model.admits(tuple, in: relation) {
                guard case .userset(let group, let groupRelation) = tuple.key.user else { continue }
                do throws(CheckError) {
                    guard try conditionHolds(tuple) else { continue }
                    explanation?.enter(tuple.description, "userset tuple")
                    let outcome: Outcome
                    do throws(CheckError) {
                        outcome = try dispatch(Subproblem(object: group, relation: groupRelation, user: problem.user), depth: depth + 1)
                    } catch {
                        explanation?.leave(nil)
                        throw error
                    }
                    explanation?.leave(outcome)
                    if outcome.allowed { return outcome }
                    cycleBound = min(cycleBound, outcome.cycleBound)
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
        }
        if let firstError { throw firstError }
        return Outcome(allowed: false, cycleBound: cycleBound)
    }

    /// `computed from tupleset`: for each object the tupleset relation points at, does the user have `computed`
    /// on it? One hop deeper per parent.
    func tupleToUserset(tupleset: String, computed: String, _ problem: Subproblem, depth: Int) throws(CheckError) -> Outcome {
        guard let tuplesetRelation = model.relation(problem.object.type, tupleset) else { return .no }
        let parents = try read { () throws(StoreError) in
            try snapshot.tuples(object: problem.object, relation: tupleset, userType: nil, userRelation: "")
        }
        var firstError: CheckError?
        var cycleBound = Int.max
        for tuple in parents where model.admits(tuple, in: tuplesetRelation) {
            guard case .object(let parent) = tuple.key.user, model.relation(parent.type, computed) != nil else { continue }
            do throws(CheckError) {
                guard try conditionHolds(tuple) else { continue }
                explanation?.enter(tuple.description, "tupleset tuple")
                let outcome: Outcome
                do throws(CheckError) {
                    outcome = try dispatch(Subproblem(object: parent, relation: computed, user: problem.user), depth: depth + 1)
                } catch {
                    explanation?.leave(nil)
                    throw error
                }
                explanation?.leave(outcome)
                if outcome.allowed { return outcome }
                cycleBound = min(cycleBound, outcome.cycleBound)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return Outcome(allowed: false, cycleBound: cycleBound)
    }

    func read<Result>(_ body: () throws(StoreError) -> Result) throws(CheckError) -> Result {
        do throws(StoreError) {
            return try body()
        } catch {
            throw CheckError(error)
        }
    }
}

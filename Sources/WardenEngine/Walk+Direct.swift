import WardenModel
import WardenStore

extension Walk {
    /// Direct relationships, cheapest first: the exact tuple, then the user type's wildcard, then each userset
    /// the relation admits (`group#member`), whose members are resolved one hop deeper.
    func direct(_ relation: CompiledRelation, _ problem: Subproblem, depth: Int) throws(CheckError) -> Outcome {
        var firstError: CheckError?
        let exact = TupleKey(object: problem.object, relation: problem.relation, user: problem.user)
        var wildcard: TupleKey?
        if case .object(let user) = problem.user, relation.wildcardTypes.contains(user.type) {
            wildcard = TupleKey(object: problem.object, relation: problem.relation, user: .wildcard(type: user.type))
        }
        for attempt in 0..<2 {
            guard let key = attempt == 0 ? exact : wildcard,
                let tuple = try read({ () throws(StoreError) in try snapshot.tuple(key) }), model.admits(tuple, in: relation)
            else { continue }
            do throws(CheckError) {
                if try conditionHolds(tuple) {
                    explanation?.leaf(tuple.description, key.user == problem.user ? "tuple" : "wildcard tuple", .yes)
                    return .yes
                }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        var cycleBound = Int.max
        for userset in relation.usersetRestrictions {
            let tuples = try read { () throws(StoreError) in
                try snapshot.tuples(object: problem.object, relation: problem.relation, userType: userset.type, userRelation: userset.relation)
            }
            do throws(CheckError) {
                let outcome = try anyChild(of: tuples.filter { model.admits($0, in: relation) }, rule: "userset tuple", depth: depth) { tuple in
                    guard case .userset(let group, let groupRelation) = tuple.key.user else { return nil }
                    return Subproblem(object: group, relation: groupRelation, user: problem.user)
                }
                if outcome.allowed { return outcome }
                cycleBound = min(cycleBound, outcome.cycleBound)
            } catch {
                if firstError == nil { firstError = error }
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
        return try anyChild(of: parents.filter { model.admits($0, in: tuplesetRelation) }, rule: "tupleset tuple", depth: depth) { tuple in
            guard case .object(let parent) = tuple.key.user, model.relation(parent.type, computed) != nil else { return nil }
            return Subproblem(object: parent, relation: computed, user: problem.user)
        }
    }

    /// The union over `tuples` (usersets or parents) of the subproblem each leads to, one hop deeper: the first
    /// "yes" wins, an error counts only when nothing says yes, and a tuple whose condition fails leads nowhere.
    private func anyChild(
        of tuples: [RelationshipTuple], rule: String, depth: Int, _ child: (RelationshipTuple) -> Subproblem?
    ) throws(CheckError) -> Outcome {
        var firstError: CheckError?
        var cycleBound = Int.max
        for tuple in tuples {
            guard let subproblem = child(tuple) else { continue }
            do throws(CheckError) {
                guard try conditionHolds(tuple) else { continue }
                explanation?.enter(tuple.description, rule)
                let outcome: Outcome
                do throws(CheckError) {
                    outcome = try dispatch(subproblem, depth: depth + 1)
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

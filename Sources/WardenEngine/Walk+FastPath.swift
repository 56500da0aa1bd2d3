import WardenModel
import WardenStore

extension Walk {
    /// The fast path's answer, with the ordinary walk's paths in an explanation: the search itself is not recorded,
    /// and where the two answers differ the explanation says so.
    func explainedFastPath(
        _ fastPath: RecursiveFastPath, seeds: [String], _ relation: CompiledRelation, _ problem: Subproblem,
        _ user: ObjectRef, depth: Int
    ) throws(CheckError) -> Outcome {
        guard explanation != nil else {
            return try recursiveFastPath(fastPath, seeds: seeds, relation, problem, user, depth: depth)
        }
        let walked = try? evaluate(relation.rewrite, relation, problem, depth: depth)
        let recorder = explanation
        explanation = nil
        let searched = Result { () throws(CheckError) in
            try recursiveFastPath(fastPath, seeds: seeds, relation, problem, user, depth: depth)
        }
        explanation = recorder
        let outcome = try searched.get()
        if let walked, walked.allowed != outcome.allowed {
            explanation?.leaf(Self.label(problem), "OpenFGA's recursive fast path answers otherwise", outcome)
        }
        return outcome
    }

    /// OpenFGA's recursive fast path (see ``RecursiveFastPath``): a seed on the object itself grants at once; a user
    /// with no seed anywhere gets "no"; otherwise the chain of parents (or nested usersets) is searched level by
    /// level, each object once, until a seed is met, the chain ends, or the 25th level would start (the depth error).
    /// - Parameter seeds: the relations whose direct tuples make a seed for users of `user`'s type.
    private func recursiveFastPath(
        _ fastPath: RecursiveFastPath, seeds: [String], _ relation: CompiledRelation, _ problem: Subproblem,
        _ user: ObjectRef, depth: Int
    ) throws(CheckError) -> Outcome {
        func isSeed(_ object: ObjectRef) throws(CheckError) -> Bool {
            let here = Subproblem(object: object, relation: problem.relation, user: problem.user)
            return try SetOperations.union(count: fastPath.operands.count) { index throws(CheckError) in
                let operand = fastPath.operands[index]
                if case .direct = operand, case .userset(let recursive) = fastPath.recursion {
                    return try direct(relation, here, depth: depth, excludingUserset: recursive)
                }
                return try evaluate(operand, relation, here, depth: depth)
            }.allowed
        }
        if try isSeed(problem.object) { return .yes }
        if relation.nestsOwnGroups, useNestedGroupIndex,
            let outcome = try DirectTuples.indexedNesting(problem, user, depth: depth, maximumDepth: maximumDepth, snapshot: snapshot)
        {
            return outcome
        }
        guard try hasSeed(user, of: problem.object.type, in: seeds) else { return .no }
        var visited: Set<ObjectRef> = [problem.object]
        var level = try nextLevel(from: problem.object, fastPath, problem.relation)
        guard !level.isEmpty else { return .no }
        for object in level where try isSeed(object) { return .yes }
        // As OpenFGA's breadthFirstRecursiveMatch: each round first counts against the depth limit, then stops on
        // an empty level, so a chain whose end lies at the limit errs even where it holds no seed.
        var round = 1
        while true {
            guard depth + round < maximumDepth else { throw CheckError.resolutionTooComplex() }
            guard !level.isEmpty else { return .no }
            var next: [ObjectRef] = []
            for object in level where visited.insert(object).inserted {
                try tick()
                for reached in try nextLevel(from: object, fastPath, problem.relation) {
                    if try isSeed(reached) { return .yes }
                    next.append(reached)
                }
            }
            level = next
            round += 1
        }
    }

    /// The objects one level up from `object`: its parents through the tupleset, or the objects of the usersets it
    /// holds (`group:b` for `group:a#member@group:b#member`); tuples the model no longer admits, or whose condition
    /// fails, lead nowhere.
    private func nextLevel(
        from object: ObjectRef, _ fastPath: RecursiveFastPath, _ relationName: String
    ) throws(CheckError) -> [ObjectRef] {
        var reached: [ObjectRef] = []
        switch fastPath.recursion {
        case .parent(let tupleset):
            guard let tuplesetRelation = model.relation(object.type, tupleset) else { return [] }
            let tuples = try read { () throws(StoreError) in
                try snapshot.tuples(object: object, relation: tupleset, userType: nil, userRelation: "")
            }
            for tuple in tuples where model.admits(tuple, in: tuplesetRelation) {
                guard case .object(let parent) = tuple.key.user, try conditionHolds(tuple) else { continue }
                reached.append(parent)
            }
        case .userset(let recursive):
            guard let relation = model.relation(object.type, relationName) else { return [] }
            let tuples = try read { () throws(StoreError) in
                try snapshot.tuples(
                    object: object, relation: relationName, userType: recursive.type, userRelation: recursive.relation)
            }
            for tuple in tuples where model.admits(tuple, in: relation) {
                guard case .userset(let group, _) = tuple.key.user, try conditionHolds(tuple) else { continue }
                reached.append(group)
            }
        }
        return reached
    }

    /// Whether `user` holds any direct tuple of `relations` on objects of `type` (a seed anywhere). Seed relations
    /// admit no typed wildcard (such relations are walked the ordinary way), so the user's own tuples are all.
    private func hasSeed(_ user: ObjectRef, of type: String, in relations: [String]) throws(CheckError) -> Bool {
        for relation in relations {
            let found = try read { () throws(StoreError) in
                try snapshot.hasTuple(user: .object(user), objectType: type, relation: relation)
            }
            if found { return true }
        }
        return false
    }
}

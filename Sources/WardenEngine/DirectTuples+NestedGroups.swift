import WardenModel
import WardenStore

extension DirectTuples {
    /// The search's answer from the store's nested-group index (``TupleSnapshot/nestedHops(type:relation:from:to:)``),
    /// depth error included: the user's own groups, each looked up in the object's closure. A seed `h` hops down is
    /// found in the search's round `h - 1`, so it errs when `depth + h - 1` reaches the limit. With no seed reached,
    /// the search ends one round after its last non-empty level, which lies `height` or `height + 1` levels down
    /// (1 for a group that holds only itself); where those two would answer differently, nil: the search decides. Nil too when the store keeps no index.
    static func indexedNesting(
        _ problem: Subproblem, _ user: ObjectRef, depth: Int, maximumDepth: Int, snapshot: Snapshot
    ) throws(CheckError) -> Outcome? {
        let type = problem.object.type
        let name = problem.relation
        // The relation admits the user's type with no condition (it nests its own groups, so none is conditioned):
        // the user's unconditioned tuples are exactly the seeds.
        guard try CheckError.reading({ () throws(StoreError) in try snapshot.hasNestedGroupIndex() }) else { return nil }
        let reach = try CheckError.reading { () throws(StoreError) in
            try snapshot.nearestNestedGroup(user: user, type: type, relation: name, from: problem.object.id)
        }
        guard reach.exact else { return nil }
        // As the search's first test: no tuple of the user's at all is "no" at once.
        guard reach.holdsAny else { return .no }
        if let nearest = reach.hops {
            guard nearest < NestedGroupIndex.saturatedHops else { return nil }
            if nearest <= 1 || depth + nearest - 1 < maximumDepth { return .yes }
            throw CheckError.resolutionTooComplex()
        }
        let height = try CheckError.reading { () throws(StoreError) in try snapshot.nestingHeight(type: type, relation: name, of: problem.object.id) }
        guard height > 0 else {
            // Nothing nested in it but perhaps itself: a group holding itself makes one more (empty) round.
            let itself = TupleKey(object: problem.object, relation: name, user: .userset(problem.object, relation: name))
            guard let loop = try CheckError.reading({ () throws(StoreError) in try snapshot.tuple(itself) }), loop.condition == nil else { return .no }
            if depth + 2 >= maximumDepth { throw CheckError.resolutionTooComplex() }
            return .no
        }
        guard height < NestedGroupIndex.saturatedHops else { return nil }
        if depth + height + 1 >= maximumDepth { throw CheckError.resolutionTooComplex() }
        return depth + height + 2 < maximumDepth ? .no : nil
    }

    /// A check of a relation that nests its own groups (``CompiledRelation/nestsOwnGroups``), asked of a plain user
    /// at the top of a request, answered without a walk where the walk's recursive fast path would end at once: the
    /// user's own tuple on the object, else the store's nested-group index (``indexedNesting(_:_:depth:maximumDepth:snapshot:)``).
    /// Nil where the search must run (no index, expiring nesting, saturated hops): the walk decides.
    static func nestedGroupAnswer(
        _ relation: CompiledRelation, _ problem: Subproblem, _ user: ObjectRef, maximumDepth: Int, snapshot: Snapshot,
        model: CompiledModel
    ) throws(CheckError) -> Outcome? {
        // The seed test on the object itself: its direct tuple for the user (the relation admits no wildcard and
        // no condition, and its only userset is the recursion, which the search follows instead).
        let own = TupleKey(object: problem.object, relation: problem.relation, user: problem.user)
        if try admitted(own, in: relation, snapshot: snapshot, model: model) != nil { return .yes }
        return try indexedNesting(problem, user, depth: 0, maximumDepth: maximumDepth, snapshot: snapshot)
    }
}

import WardenModel
import WardenStore

/// What a walk's memo knows of a subproblem. Outside the generic ``Walk`` so the memo's type is concrete (no
/// generic metadata looked up per access).
enum MemoEntry {
    /// Being resolved at this position of the current path.
    case inProgress(Int)
    /// A settled answer, computed with `depth` levels already used (reusable at that depth or shallower).
    case settled(Outcome, depth: Int)
}

/// The state of one request (a check, or a batch/list that runs many): the snapshot, the compiled model, the
/// request's context, the memo table, and the explanation recorder when asked for.
///
/// The walk is synchronous and depth-first, so the memo's in-progress entries are exactly the ancestors on the
/// current path: meeting one again is a cycle, answered "no" for this path only.
final class Walk<Snapshot: TupleSnapshot> {
    // The snapshot held as itself, not inside a `DirectTuples<Snapshot>`: a stored field of a generic type made the
    // walk's deinit (never specialized) look that type up in the runtime's metadata cache, once per request.
    let snapshot: Snapshot
    let model: CompiledModel
    /// The evaluator (unretained) and the request's condition context.
    let conditions: ConditionScope
    let maximumDepth: Int
    let cache: CheckCache?
    let cacheScope: CheckCache.Scope?
    var explanation: ExplanationRecorder?
    /// The request fails with `.deadlineExceeded` once this instant passes (looked at every 64 subproblems).
    var deadline: ContinuousClock.Instant?
    /// Whether nested groups are answered from the store's nested-group index when it keeps one.
    var useNestedGroupIndex = true
    /// The snapshot's instant (milliseconds since 1970), and the first instant after it at which a tuple expires:
    /// cached answers are looked up at the one and stored until the other.
    var cacheNow: UInt64 = 0
    var cacheUntil: UInt64 = .max
    /// The deepest level any subproblem of this request reached (for the server's check-depth metric).
    private(set) var deepest = 0
    private var resolved = 0

    private var memo = SmallMap<Subproblem, MemoEntry>()
    /// How many subproblems are in progress on the current path.
    private var pathLength = 0

    init(
        snapshot: Snapshot, model: CompiledModel, conditions: any ConditionEvaluating, context: JSONValue?,
        maximumDepth: Int, cache: CheckCache?, cacheScope: CheckCache.Scope?, explain: Bool = false
    ) {
        self.snapshot = snapshot
        self.model = model
        self.conditions = ConditionScope(evaluator: conditions, context: context)
        self.maximumDepth = maximumDepth
        self.cache = cache
        self.cacheScope = cacheScope
        self.explanation = explain ? ExplanationRecorder() : nil
    }

    /// Answers a subproblem through the chain: request memo → cross-request cache → depth guard → graph walker.
    func dispatch(_ problem: Subproblem, depth: Int) throws(CheckError) -> Outcome {
        if problem.asksAboutItself {
            explanation?.leaf("\(problem.object)#\(problem.relation)", "the user is this userset", .yes)
            return .yes
        }
        // A relation the type does not define grants nothing (parents of another type, say).
        guard let relation = model.relation(problem.object.type, problem.relation) else { return .no }
        // A relation of direct tuples only cannot recurse: answer it without memo, cache or explanation bookkeeping.
        if relation.isTerminal, cache == nil, explanation == nil {
            guard depth < maximumDepth else { throw CheckError.resolutionTooComplex() }
            if depth > deepest { deepest = depth }
            return try direct(relation, problem, depth: depth)
        }
        switch memo[problem] {
        case .inProgress(let position):
            explanation?.leaf(Self.label(problem), "cycle: already being resolved on this path", .cycle)
            return .cycle(at: position)
        case .settled(let outcome, let settledDepth) where depth <= settledDepth:
            explanation?.leaf(Self.label(problem), "answered earlier in this request", outcome)
            return outcome
        default:
            break
        }
        if let cache, let cacheScope, let cached = cache.outcome(for: problem, in: cacheScope, now: cacheNow) {
            explanation?.leaf(Self.label(problem), "answered from the check cache", cached)
            return cached
        }
        guard depth < maximumDepth else { throw CheckError.resolutionTooComplex() }
        if depth > deepest { deepest = depth }
        try tick()

        let position = pathLength
        memo[problem] = .inProgress(position)
        pathLength += 1
        defer { pathLength -= 1 }
        explanation?.enter(Self.label(problem), "")
        var outcome: Outcome
        do throws(CheckError) {
            if let fastPath = relation.fastPath, case .object(let user) = problem.user, let seeds = fastPath.seeds[ByteString(user.type)] {
                outcome = try explainedFastPath(fastPath, seeds: seeds, relation, problem, user, depth: depth)
            } else {
                outcome = try evaluate(relation.rewrite, relation, problem, depth: depth)
            }
        } catch {
            memo[problem] = nil
            explanation?.leave(nil)
            throw error
        }
        // Cycles that lead back only to this subproblem (or deeper) no longer depend on the path: the answer, its
        // cycle flag included, is final for this request. A flagged answer never enters the cross-request cache.
        if outcome.cycleBound >= position { outcome.cycleBound = .max }
        explanation?.leave(outcome)
        if outcome.dependsOnPath {
            memo[problem] = nil
        } else {
            memo[problem] = .settled(outcome, depth: depth)
            if !outcome.cycle, let cache, let cacheScope { cache.store(outcome, for: problem, in: cacheScope, until: cacheUntil) }
        }
        return outcome
    }

    /// Counts one unit of work, and every 64 units fails the request if its deadline has passed.
    @inline(__always)
    func tick() throws(CheckError) {
        resolved &+= 1
        if resolved & 63 == 0, let deadline, ContinuousClock.now >= deadline {
            throw CheckError.deadlineExceeded()
        }
    }

    static func label(_ problem: Subproblem) -> String {
        "\(problem.object)#\(problem.relation)@\(problem.user)"
    }

    func evaluate(
        _ rewrite: Rewrite, _ relation: CompiledRelation, _ problem: Subproblem, depth: Int
    ) throws(CheckError) -> Outcome {
        switch rewrite {
        case .direct:
            return try traced("direct") { () throws(CheckError) in try direct(relation, problem, depth: depth) }
        case .computedUserset(let target, _):
            return try dispatch(Subproblem(object: problem.object, relation: target, user: problem.user), depth: depth)
        case .tupleToUserset(let tupleset, let computed, _, _):
            return try traced("\(computed) from \(tupleset)") { () throws(CheckError) in
                try tupleToUserset(tupleset: tupleset, computed: computed, problem, depth: depth)
            }
        case .union(let children):
            return try traced("union") { () throws(CheckError) in
                try SetOperations.union(count: children.count) { index throws(CheckError) in
                    try evaluate(children[index], relation, problem, depth: depth)
                }
            }
        case .intersection(let children):
            return try traced("intersection") { () throws(CheckError) in
                try SetOperations.intersection(count: children.count) { index throws(CheckError) in
                    try evaluate(children[index], relation, problem, depth: depth)
                }
            }
        case .exclusion(let base, let subtract):
            return try traced("but not") { () throws(CheckError) in
                try SetOperations.exclusion(
                    base: { () throws(CheckError) in try evaluate(base, relation, problem, depth: depth) },
                    subtract: { () throws(CheckError) in try evaluate(subtract, relation, problem, depth: depth) })
            }
        }
    }

    /// Runs `body` inside an explanation node when explaining; directly otherwise.
    @inline(__always)
    private func traced(_ rule: String, _ body: () throws(CheckError) -> Outcome) throws(CheckError) -> Outcome {
        guard explanation != nil else { return try body() }
        explanation?.enter(rule, "")
        do throws(CheckError) {
            let outcome = try body()
            explanation?.leave(outcome)
            return outcome
        } catch {
            explanation?.leave(nil)
            throw error
        }
    }

    /// Whether a conditioned tuple counts: no condition, or its condition holds for the request's context.
    func conditionHolds(_ tuple: RelationshipTuple) throws(CheckError) -> Bool {
        let holds = try conditions.holds(tuple, model: model)
        if !holds, let condition = tuple.condition {
            explanation?.leaf(tuple.description, "condition '\(condition.name)' not met", .no)
        }
        return holds
    }
}

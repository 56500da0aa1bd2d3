import WardenModel
import WardenStore

/// A check: does `user` have `relation` on `object`? With the request's condition context and contextual tuples.
public struct CheckRequest: Hashable, Sendable {
    public var user: UserRef
    public var relation: String
    public var object: ObjectRef
    /// Values for condition parameters (a JSON object).
    public var context: JSONValue?
    /// Tuples that count for this request only, validated like writes.
    public var contextualTuples: [RelationshipTuple]

    public init(
        user: UserRef, relation: String, object: ObjectRef, context: JSONValue? = nil,
        contextualTuples: [RelationshipTuple] = []
    ) {
        self.user = user
        self.relation = relation
        self.object = object
        self.context = context
        self.contextualTuples = contextualTuples
    }
}

/// A check's answer, with the explanation when one was asked for.
public struct CheckResult: Hashable, Sendable {
    public var allowed: Bool
    public var explanation: Explanation?
    /// The deepest userset or tuple-to-userset level the walk reached (0: answered on the object itself, or from
    /// the cross-request cache).
    public var depth: Int = 0

    public init(allowed: Bool, explanation: Explanation? = nil, depth: Int = 0) {
        self.allowed = allowed
        self.explanation = explanation
        self.depth = depth
    }
}

/// Answers checks, lists and expands over a snapshot and a compiled model, with OpenFGA's semantics.
///
/// The walk is synchronous over one snapshot; run requests concurrently from the caller. `Sendable`; share one.
///
/// ```swift
/// let engine = CheckEngine()
/// let result = try tuples.read(store: id) { snapshot in
///     try engine.check(CheckRequest(user: anne, relation: "viewer", object: doc), model: model, snapshot: snapshot)
/// }
/// ```
public struct CheckEngine: Sendable {
    /// Engine limits.
    public struct Configuration: Sendable {
        /// Userset and tuple-to-userset hops allowed before a check fails as too complex (OpenFGA: 25).
        public var maximumDepth = 25
        /// Most objects one ListObjects call returns before it stops with a continuation token.
        public var maximumListResults = 1000
        /// Answer checks through nested groups from the store's nested-group index when it keeps one (the answers
        /// are the same either way; off, every check walks the nesting).
        public var useNestedGroupIndex = true
        public init() {}
    }

    public let configuration: Configuration
    public let conditions: any ConditionEvaluating
    public let cache: CheckCache?

    public init(
        configuration: Configuration = Configuration(), conditions: any ConditionEvaluating = FailClosedConditions(),
        cache: CheckCache? = nil
    ) {
        self.configuration = configuration
        self.conditions = conditions
        self.cache = cache
    }

    /// Answers one check.
    /// - Parameters:
    ///   - storeID: names the store for the cross-request cache (which is used only with a store id and a request
    ///     without context or contextual tuples).
    ///   - explain: record the walk (slower); the result carries its ``Explanation``.
    ///   - deadline: fail with `.deadlineExceeded` once this instant passes.
    /// - Throws: ``CheckError``: `.typeNotFound`/`.relationNotFound`/`.validation` for a malformed request,
    ///   `.invalidTuple` for a bad contextual tuple, `.resolutionTooComplex` past the depth limit.
    public func check<Snapshot: TupleSnapshot>(
        _ request: CheckRequest, model: CompiledModel, snapshot: Snapshot, storeID: String? = nil, explain: Bool = false,
        deadline: ContinuousClock.Instant? = nil
    ) throws(CheckError) -> CheckResult {
        let relation = try RequestValidation.validateCheck(
            user: request.user, relation: request.relation, object: request.object, in: model)
        try RequestValidation.validate(contextual: request.contextualTuples, in: model, refusingDuplicates: true)
        try RequestValidation.validate(context: request.context)
        let problem = Subproblem(object: request.object, relation: request.relation, user: request.user)
        if request.contextualTuples.isEmpty {
            // Direct tuples only: one or two point reads answer it, with no walk to allocate and nothing worth
            // caching (a cache lookup costs what the read does).
            if !explain, answersWithoutWalk(terminal: relation.isTerminal, problem) {
                let outcome = try DirectTuples.terminalAnswer(
                    relation, problem, snapshot: snapshot, model: model,
                    conditions: ConditionScope(evaluator: conditions, context: request.context))
                return CheckResult(allowed: outcome.allowed)
            }
            if !explain, let shortcut = shortcut(for: relation, problem),
                let answered = try answerWithoutWalk(shortcut, relation, problem, model: model, snapshot: snapshot, storeID: storeID,
                    request.context, deadline: deadline)
            {
                return answered
            }
            // An explanation shows the whole path, so it does not stop at answers cached by earlier requests.
            let walk = makeWalk(snapshot, model, request.context, storeID: explain ? nil : storeID, explain: explain, deadline: deadline)
            let allowed = try walk.dispatch(problem, depth: 0).allowed
            return CheckResult(allowed: allowed, explanation: walk.explanation?.root, depth: walk.deepest)
        }
        let overlay = ContextualSnapshot(base: snapshot, contextualTuples: request.contextualTuples)
        let walk = makeWalk(overlay, model, request.context, storeID: nil, explain: explain, deadline: deadline)
        let allowed = try walk.dispatch(problem, depth: 0).allowed
        return CheckResult(allowed: allowed, explanation: walk.explanation?.root, depth: walk.deepest)
    }

    /// The cached answer to `request` at the store's `revision`, without opening a snapshot, when the request is
    /// cacheable (no context, no contextual tuples) and the cache holds it. Pass the revision a snapshot of the
    /// store would see now: an equal revision means the store's tuples have not changed since the answer was found.
    /// - Parameter now: the instant (milliseconds since 1970) expiry is decided by: an answer resting on a tuple that
    ///   has expired since it was cached is not returned.
    public func cachedResult(
        for request: CheckRequest, model: CompiledModel, storeID: String, revision: UInt64, now: UInt64 = ExpiryClock.systemMilliseconds
    ) -> CheckResult? {
        guard cache != nil, request.context == nil, request.contextualTuples.isEmpty else { return nil }
        let problem = Subproblem(object: request.object, relation: request.relation, user: request.user)
        // A relation of direct tuples alone is never cached (``check(_:model:snapshot:storeID:explain:deadline:)``
        // reads it): looking it up would hash the key and take a shard's lock for a certain miss.
        if answersWithoutWalk(terminal: model.relationIsTerminal(request.object.type, request.relation) == true, problem) { return nil }
        let scope = CheckCache.Scope(store: storeID, model: model.cacheID, version: revision)
        // Through the optional, not a bound copy: no reference count taken on the shared cache per check.
        return cache?.outcome(for: problem, in: scope, now: now).map { CheckResult(allowed: $0.allowed, explanation: nil) }
    }

    /// Answers many checks on one snapshot, sharing one memo table among those with the same context and
    /// contextual tuples. Each entry gets its own result, duplicates included.
    @_specialize(where Snapshot == KeyValueSnapshot<LMDBTableReader>)
    @_specialize(where Snapshot == KeyValueSnapshot<MemoryTables>)
    public func batchCheck<Snapshot: TupleSnapshot>(
        _ requests: [CheckRequest], model: CompiledModel, snapshot: Snapshot, storeID: String? = nil,
        deadline: ContinuousClock.Instant? = nil
    ) -> [Result<Bool, CheckError>] {
        var walks: [WalkKey: Walk<ContextualSnapshot<Snapshot>>] = [:]
        return requests.map { request in
            do throws(CheckError) {
                try RequestValidation.validateCheck(user: request.user, relation: request.relation, object: request.object, in: model)
                try RequestValidation.validate(contextual: request.contextualTuples, in: model, refusingDuplicates: true)
                try RequestValidation.validate(context: request.context)
                let key = WalkKey(context: request.context, contextualTuples: request.contextualTuples)
                let walk = walks[key] ?? {
                    let overlay = ContextualSnapshot(base: snapshot, contextualTuples: request.contextualTuples)
                    let cacheable = request.contextualTuples.isEmpty ? storeID : nil
                    return makeWalk(overlay, model, request.context, storeID: cacheable, explain: false, deadline: deadline)
                }()
                walks[key] = walk
                let problem = Subproblem(object: request.object, relation: request.relation, user: request.user)
                return .success(try walk.dispatch(problem, depth: 0).allowed)
            } catch {
                return .failure(error)
            }
        }
    }

    /// The shapes a check is answered in without a walk, when asked of a plain user at the top of a request.
    private enum Shortcut {
        /// ``TwoHopRelation``: its parents, then a direct relation on each.
        case twoHop(TwoHopRelation)
        /// A relation nesting its own groups, whose recursive fast path the store's nested-group index answers.
        case nestedGroups(ObjectRef)
    }

    private func shortcut(for relation: CompiledRelation, _ problem: Subproblem) -> Shortcut? {
        guard case .object(let user) = problem.user else { return nil }
        if let twoHop = relation.twoHop, configuration.maximumDepth > 1 { return .twoHop(twoHop) }
        if relation.nestsOwnGroups, configuration.useNestedGroupIndex, configuration.maximumDepth > 0,
            relation.fastPath?.seeds[ByteString(user.type)] != nil
        {
            return .nestedGroups(user)
        }
        return nil
    }

    /// A check answered by a ``Shortcut``, through the cross-request cache as the walk's would go (looked up, then
    /// stored); nil when the shortcut cannot decide (the walk then does).
    private func answerWithoutWalk<Snapshot: TupleSnapshot>(
        _ shortcut: Shortcut, _ relation: CompiledRelation, _ problem: Subproblem, model: CompiledModel, snapshot: Snapshot,
        storeID: String?, _ context: JSONValue?, deadline: ContinuousClock.Instant?
    ) throws(CheckError) -> CheckResult? {
        let scope = cacheScope(storeID: storeID, context, model, snapshot)
        if let scope, let cached = cache?.outcome(for: problem, in: scope, now: snapshot.expiryNow) {
            return CheckResult(allowed: cached.allowed)
        }
        let outcome: Outcome
        var depth = 0
        switch shortcut {
        case .twoHop(let twoHop):
            (outcome, depth) = try DirectTuples.twoHopAnswer(
                twoHop, problem, snapshot: snapshot, model: model,
                conditions: ConditionScope(evaluator: conditions, context: context), deadline: deadline)
        case .nestedGroups(let user):
            guard let found = try DirectTuples.nestedGroupAnswer(
                relation, problem, user, maximumDepth: configuration.maximumDepth, snapshot: snapshot, model: model)
            else { return nil }
            outcome = found
        }
        if let scope {
            // A snapshot that cannot say when its tuples expire caches nothing.
            cache?.store(outcome, for: problem, in: scope, until: (try? snapshot.expiryHorizon()) ?? 0)
        }
        return CheckResult(allowed: outcome.allowed, depth: depth)
    }

    /// Whether a check of `problem` is answered by its direct tuples' point reads alone (no walk, no cache entry).
    private func answersWithoutWalk(terminal: Bool, _ problem: Subproblem) -> Bool {
        terminal && configuration.maximumDepth > 0 && !problem.asksAboutItself
    }

    private struct WalkKey: Hashable {
        var context: JSONValue?
        var contextualTuples: [RelationshipTuple]
    }

    /// Where a request's answers go in the cross-request cache: nowhere without a cache, a store id, or when the
    /// request carries a context (its answers hold for that context only).
    private func cacheScope(
        storeID: String?, _ context: JSONValue?, _ model: CompiledModel, _ snapshot: some TupleSnapshot
    ) -> CheckCache.Scope? {
        guard let storeID, context == nil, cache != nil else { return nil }
        return CheckCache.Scope(store: storeID, model: model.cacheID, version: snapshot.revision.rawValue)
    }

    func makeWalk<Snapshot: TupleSnapshot>(
        _ snapshot: Snapshot, _ model: CompiledModel, _ context: JSONValue?, storeID: String?, explain: Bool,
        deadline: ContinuousClock.Instant? = nil
    ) -> Walk<Snapshot> {
        let scope = cacheScope(storeID: storeID, context, model, snapshot)
        let walk = Walk(
            snapshot: snapshot, model: model, conditions: conditions, context: context,
            maximumDepth: configuration.maximumDepth, cache: scope == nil ? nil : cache, cacheScope: scope,
            explain: explain)
        walk.deadline = deadline
        walk.useNestedGroupIndex = configuration.useNestedGroupIndex
        if scope != nil {
            walk.cacheNow = snapshot.expiryNow
            // A snapshot that cannot say when its tuples expire caches nothing.
            walk.cacheUntil = (try? snapshot.expiryHorizon()) ?? 0
        }
        return walk
    }
}

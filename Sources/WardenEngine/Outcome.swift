import WardenModel

/// One question inside a request: does `user` have `relation` on `object`? Identity is by bytes.
struct Subproblem: Hashable {
    var object: ObjectRef
    var relation: String
    var user: UserRef

    static func == (lhs: Subproblem, rhs: Subproblem) -> Bool {
        lhs.object == rhs.object && lhs.relation.bytesEqual(rhs.relation) && lhs.user == rhs.user
    }

    /// A userset asked about itself (`group:eng#member` has `member` on `group:eng`): always yes.
    var asksAboutItself: Bool {
        guard case .userset(let object, let relation) = user else { return false }
        return object == self.object && relation.bytesEqual(self.relation)
    }
}

/// The answer to a subproblem.
///
/// `cycle` is OpenFGA's `CycleDetected`: somewhere below, the walk met a subproblem already on its path, which
/// answers "no, cycle". The flag is never cleared on the way up; a union ignores it when another branch grants, and
/// an exclusion with it on either side answers "no" (fail closed), as OpenFGA's `internal/graph/check.go` does. A
/// flagged answer is never "yes", and never enters the cross-request cache.
///
/// `cycleBound` serves the request memo: the stack position of the outermost subproblem still in progress that this
/// answer met again, or `Int.max`. Such an answer holds only on the current path, so it is not memoized until the
/// walk finishes the subproblem at that position; from there on it is final for this request (flag included).
struct Outcome: Hashable, Sendable {
    var allowed: Bool
    var cycle: Bool
    var cycleBound: Int

    init(allowed: Bool, cycle: Bool = false, cycleBound: Int = .max) {
        self.allowed = allowed
        self.cycle = cycle
        self.cycleBound = cycleBound
    }

    /// Whether the answer depends on a subproblem still in progress on the current path.
    var dependsOnPath: Bool { cycleBound != .max }

    static let yes = Outcome(allowed: true)
    static let no = Outcome(allowed: false)
    /// A cycle back to the outermost position (used where the position does not matter).
    static let cycle = Outcome(allowed: false, cycle: true, cycleBound: 0)

    /// A subproblem met again while in progress at `position`: "no, cycle".
    static func cycle(at position: Int) -> Outcome { Outcome(allowed: false, cycle: true, cycleBound: position) }

    /// A denial carrying this answer's cycle flag and bound.
    var denial: Outcome { Outcome(allowed: false, cycle: cycle, cycleBound: cycleBound) }
}

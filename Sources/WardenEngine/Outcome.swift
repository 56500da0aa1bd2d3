import WardenModel

/// One question inside a request: does `user` have `relation` on `object`? Identity is by bytes.
struct Subproblem: Hashable {
    var object: ObjectRef
    var relation: String
    var user: UserRef

    static func == (lhs: Subproblem, rhs: Subproblem) -> Bool {
        lhs.object == rhs.object && lhs.relation.bytesEqual(rhs.relation) && lhs.user == rhs.user
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(object)
        relation.hashBytes(into: &hasher)
        hasher.combine(user)
    }
}

/// The answer to a subproblem.
///
/// `cycleBound` is the stack position of the outermost subproblem still in progress that this answer met again
/// (a cycle), or `Int.max` when it met none. Such an answer holds only on the current path, so it is neither
/// memoized nor cached — until the walk finishes the subproblem at that position: an answer whose cycles all lead
/// back to the subproblem itself (or deeper) is final there (a cycle contributes nothing, the least fixpoint).
struct Outcome: Hashable, Sendable {
    var allowed: Bool
    var cycleBound: Int

    init(allowed: Bool, cycleBound: Int = .max) {
        self.allowed = allowed
        self.cycleBound = cycleBound
    }

    /// Whether the answer depends on a subproblem still in progress.
    var cycleDetected: Bool { cycleBound != .max }

    static let yes = Outcome(allowed: true)
    static let no = Outcome(allowed: false)
    /// A cycle back to the outermost position (used where the position does not matter).
    static let cycle = Outcome(allowed: false, cycleBound: 0)

    static func cycle(at position: Int) -> Outcome { Outcome(allowed: false, cycleBound: position) }
}

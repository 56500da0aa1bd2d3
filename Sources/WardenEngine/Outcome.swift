import WardenModel

/// One question inside a request: does `user` have `relation` on `object`?
struct Subproblem: Hashable {
    var object: ObjectRef
    var relation: String
    var user: UserRef
}

/// The answer to a subproblem. `cycleDetected` marks answers that depended on meeting a subproblem already in
/// progress on the current path: such a "no" holds only for this path, so it is never memoized or cached.
struct Outcome: Hashable, Sendable {
    var allowed: Bool
    var cycleDetected: Bool

    static let yes = Outcome(allowed: true, cycleDetected: false)
    static let no = Outcome(allowed: false, cycleDetected: false)
    static let cycle = Outcome(allowed: false, cycleDetected: true)
}

import WardenModel

/// Why a check answered as it did: the tree of subproblems, rewrites and tuples the walk visited.
///
/// For an allowed check, ``grantingPath`` keeps only the branches that said yes: the chain of tuples and rewrites
/// that grants access. For a denied one, the whole tree shows every branch tried.
public struct Explanation: Hashable, Sendable {
    /// What a node concluded.
    public enum Result: String, Hashable, Sendable {
        case allowed, denied, cycle, error
    }

    /// A subproblem (`document:1#viewer@user:anne`), a rewrite (`union`, `owner from parent`) or a tuple.
    public var subject: String
    /// How this node relates to its parent (`tuple`, `userset tuple`, `cycle: …`); empty for subproblems.
    public var rule: String
    public var result: Result
    public var children: [Explanation]

    public init(subject: String, rule: String, result: Result, children: [Explanation] = []) {
        self.subject = subject
        self.rule = rule
        self.result = result
        self.children = children
    }

    /// Only the branches that granted access (the whole tree when nothing did).
    public var grantingPath: Explanation {
        guard result == .allowed else { return self }
        var copy = self
        copy.children = children.filter { $0.result == .allowed }.map(\.grantingPath)
        return copy
    }

    /// An indented text rendering, one node per line.
    public func rendered(indent: String = "") -> String {
        let mark = switch result {
        case .allowed: "✓"
        case .denied: "✗"
        case .cycle: "↺"
        case .error: "!"
        }
        // Ids may hold invisible or direction-changing characters: shown escaped, so a line reads as what it holds.
        var line = "\(indent)\(mark) \(subject.quotedForMessage(limit: .max))"
        if !rule.isEmpty { line += "  (\(rule))" }
        return ([line] + children.map { $0.rendered(indent: indent + "  ") }).joined(separator: "\n")
    }
}

/// Builds an ``Explanation`` while a walk runs. Absent (nil) on the hot path.
struct ExplanationRecorder {
    private var stack: [Explanation] = [Explanation(subject: "", rule: "", result: .denied)]

    mutating func enter(_ subject: String, _ rule: String) {
        stack.append(Explanation(subject: subject, rule: rule, result: .denied))
    }

    mutating func leave(_ outcome: Outcome?) {
        var node = stack.removeLast()
        node.result = Self.result(outcome)
        stack[stack.count - 1].children.append(node)
    }

    mutating func leaf(_ subject: String, _ rule: String, _ outcome: Outcome) {
        stack[stack.count - 1].children.append(Explanation(subject: subject, rule: rule, result: Self.result(outcome)))
    }

    private static func result(_ outcome: Outcome?) -> Explanation.Result {
        guard let outcome else { return .error }
        if outcome.allowed { return .allowed }
        return outcome.cycle ? .cycle : .denied
    }

    /// The finished tree (the first top-level node).
    var root: Explanation? { stack.first?.children.first }
}

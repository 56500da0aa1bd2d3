/// How a relation is computed: OpenFGA's userset rewrite.
///
/// The DSL has no operator precedence: `or`, `and` and `but not` cannot be mixed at one level without
/// parentheses, so every tree here maps one-to-one onto the text that produced it.
public indirect enum Rewrite: Hashable, Sendable {
    /// `[user, group#member]`: tuples written directly on this relation (`this` in JSON).
    case direct(SourceRange?)
    /// `viewer`: another relation of the same object (`computedUserset`).
    case computedUserset(relation: String, range: SourceRange?)
    /// `viewer from parent`: `viewer` on every object related through `parent` (`tupleToUserset`).
    case tupleToUserset(tupleset: String, computedRelation: String, range: SourceRange?, tuplesetRange: SourceRange?)
    /// `a or b or …`
    case union([Rewrite])
    /// `a and b and …`
    case intersection([Rewrite])
    /// `base but not subtract`
    case exclusion(base: Rewrite, subtract: Rewrite)

    /// Whether this is a union, intersection or exclusion.
    public var isOperator: Bool {
        switch self {
        case .union, .intersection, .exclusion: true
        case .direct, .computedUserset, .tupleToUserset: false
        }
    }

    /// The node's children, in order (empty for leaves).
    public var children: [Rewrite] {
        switch self {
        case .union(let children), .intersection(let children): children
        case .exclusion(let base, let subtract): [base, subtract]
        case .direct, .computedUserset, .tupleToUserset: []
        }
    }

    /// This node with every source range removed, for comparing models regardless of where they came from.
    public var withoutRanges: Rewrite {
        switch self {
        case .direct: .direct(nil)
        case .computedUserset(let relation, _): .computedUserset(relation: relation, range: nil)
        case .tupleToUserset(let tupleset, let computed, _, _):
            .tupleToUserset(tupleset: tupleset, computedRelation: computed, range: nil, tuplesetRange: nil)
        case .union(let children): .union(children.map(\.withoutRanges))
        case .intersection(let children): .intersection(children.map(\.withoutRanges))
        case .exclusion(let base, let subtract): .exclusion(base: base.withoutRanges, subtract: subtract.withoutRanges)
        }
    }
}

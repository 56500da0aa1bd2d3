/// One entry of a `[ … ]` list: a user type a tuple may name directly (OpenFGA's `RelationReference`).
///
/// `user`, `user:*` (any user of the type), `group#member` (a userset), each optionally `with condition`.
public struct TypeRestriction: Hashable, Sendable {
    /// The user type.
    public var type: String
    /// The userset relation for `type#relation`.
    public var relation: String?
    /// Whether this is the `type:*` wildcard.
    public var wildcard: Bool
    /// The condition named by `with`.
    public var condition: String?
    /// Where the restriction (without its condition) was written.
    public var range: SourceRange?
    /// Where the condition name was written.
    public var conditionRange: SourceRange?

    public init(
        type: String,
        relation: String? = nil,
        wildcard: Bool = false,
        condition: String? = nil,
        range: SourceRange? = nil,
        conditionRange: SourceRange? = nil
    ) {
        self.type = type
        self.relation = relation
        self.wildcard = wildcard
        self.condition = condition
        self.range = range
        self.conditionRange = conditionRange
    }

    /// The restriction as the DSL spells it, without the condition: `user`, `user:*`, `group#member`.
    public var userTypeText: String {
        if wildcard { return "\(type):*" }
        if let relation { return "\(type)#\(relation)" }
        return type
    }

    /// The restriction as the DSL spells it, with its condition: `user with is_open`.
    public var text: String {
        guard let condition else { return userTypeText }
        return "\(userTypeText) with \(condition)"
    }
}

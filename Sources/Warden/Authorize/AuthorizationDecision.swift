import WardenEngine
import WardenModel
import WardenScopes

/// The answer to "may this token's holder do this to this object?", with both layers' reasons.
public struct AuthorizationDecision: Hashable, Sendable {
    /// Which layer decided.
    public enum Layer: String, Hashable, Sendable {
        /// The token layer denied (invalid token, or the permission is not in its scopes).
        case token
        /// The relationship layer decided (the token layer passed).
        case relationship
    }

    /// What the token layer found.
    public struct TokenLayer: Hashable, Sendable {
        /// Nil when the token verified; otherwise why not.
        public var invalidToken: TokenError?
        /// Whether the permission is among the token's scopes.
        public var hasPermission: Bool
        /// The token's scopes (empty when it did not verify).
        public var scopes: [String]
        /// What put the permission in the token (`role 'Inventory Manager'`, `client grant`), when the tenant is known.
        public var sources: [String]
    }

    /// What the relationship layer found, when it ran.
    public struct RelationshipLayer: Hashable, Sendable {
        public var user: UserRef
        public var relation: String
        public var object: ObjectRef
        public var allowed: Bool
        public var explanation: Explanation?
    }

    public var allowed: Bool
    public var decidedBy: Layer
    public var token: TokenLayer
    public var relationship: RelationshipLayer?

    /// A few readable lines: the decision, the token layer's reason, the relationship checked and its path.
    public var summary: String {
        var lines = ["\(allowed ? "allowed" : "denied") (decided by the \(decidedBy.rawValue) layer)"]
        if let invalid = token.invalidToken {
            lines.append("  token: invalid: \(invalid)")
        } else {
            let scopes = token.scopes.isEmpty ? "(none)" : token.scopes.joined(separator: " ")
            let via = token.sources.isEmpty ? "" : " (via \(token.sources.joined(separator: ", ")))"
            lines.append("  token: scopes \(scopes); permission \(token.hasPermission ? "present" : "absent")\(via)")
        }
        if let relationship {
            lines.append("  relationship: \(relationship.object)#\(relationship.relation)@\(relationship.user): \(relationship.allowed ? "yes" : "no")")
            if let explanation = relationship.explanation {
                let tree = relationship.allowed ? explanation.grantingPath : explanation
                lines += tree.rendered(indent: "    ").split(separator: "\n").map(String.init)
            }
        }
        return lines.joined(separator: "\n")
    }
}

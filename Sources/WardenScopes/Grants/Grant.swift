import WardenModel

/// A request for an access token: who (a user, or the application itself for client credentials), through which
/// application, for which API, asking for which scopes.
public struct GrantRequest: Hashable, Sendable {
    /// The user's id for user flows; nil for the client-credentials (machine-to-machine) flow.
    public var user: String?
    public var clientID: String
    /// The API's identifier.
    public var audience: String
    /// The `scope` parameter split on spaces; nil when absent (client credentials then get the whole grant).
    public var requestedScopes: [String]?

    public init(user: String?, clientID: String, audience: String, requestedScopes: [String]?) {
        self.user = user
        self.clientID = clientID
        self.audience = audience
        self.requestedScopes = requestedScopes
    }

    /// Splits a `scope` parameter (`"openid read:orders"`).
    public static func scopes(_ parameter: String?) -> [String]? {
        parameter.map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    }
}

/// The token a request earns: its scopes, its `permissions` claim when the API asks for one, and a decision with
/// a reason for every scope requested or held.
public struct Grant: Hashable, Sendable {
    /// The `scope` claim's entries, in request order.
    public var scopes: [String]
    /// The `permissions` claim, when the API adds permissions to its tokens: the held permissions, capped by
    /// `permissionsCeiling` when there is one. Built when read (minting), not by the calculation.
    public var permissions: [String]? {
        guard addsPermissions else { return nil }
        guard let permissionsCeiling else { return permissionsHeld }
        return permissionsHeld.filter { permissionsCeiling.contains(ByteString($0)) }
    }
    var addsPermissions: Bool
    var permissionsHeld: [String]
    var permissionsCeiling: Set<ByteString>?
    /// Why each requested scope is in the token or not.
    public var requestedDecisions: [ScopeDecision]
    /// What the user (or, without RBAC, the grant) holds, sorted; those not requested are reported as such.
    public var held: [String]

    /// Why each scope is in the token or not: every requested scope, then each held scope not requested.
    public var decisions: [ScopeDecision] {
        let requested = Set(requestedDecisions.map { ByteString($0.scope) })
        return requestedDecisions + held.filter { !requested.contains(ByteString($0)) }.map { ScopeDecision(scope: $0, reason: .notRequested) }
    }
    /// The `sub` claim: the user id, or `CLIENT_ID@clients` for client credentials.
    public var subject: String
    public var isClientCredentials: Bool

    public init(
        scopes: [String], permissions: [String]?, decisions: [ScopeDecision], held: [String] = [], subject: String,
        isClientCredentials: Bool
    ) {
        self.scopes = scopes
        self.addsPermissions = permissions != nil
        self.permissionsHeld = permissions ?? []
        self.permissionsCeiling = nil
        self.requestedDecisions = decisions
        self.held = held
        self.subject = subject
        self.isClientCredentials = isClientCredentials
    }

    /// The space-separated `scope` claim.
    public var scope: String { scopes.joined(separator: " ") }
}

/// One scope's fate and the reason for it.
public struct ScopeDecision: Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// Granted; `sources` says what put it there (`role 'Doctor'`, `client grant`, `RBAC off: the API defines it`).
        case granted(sources: [String])
        /// An OpenID Connect scope, passed through for user flows.
        case openIDConnect
        /// Held by the user or the grant, but not requested.
        case notRequested
        /// The API does not define it.
        case notDefinedOnAPI
        /// RBAC is on and no role or direct assignment gives the user this permission.
        case userLacksPermission
        /// The application's client grant does not include it.
        case outsideClientGrant
        /// An OpenID Connect scope asked for in a machine-to-machine request.
        case notForMachines
    }

    public var scope: String
    public var reason: Reason

    public var isGranted: Bool {
        switch reason {
        case .granted, .openIDConnect: true
        default: false
        }
    }

    public var description: String {
        switch reason {
        case .granted(let sources): "\(scope): granted (\(sources.joined(separator: ", ")))"
        case .openIDConnect: "\(scope): granted (OpenID Connect scope)"
        case .notRequested: "\(scope): dropped (not requested)"
        case .notDefinedOnAPI: "\(scope): dropped (not defined on the API)"
        case .userLacksPermission: "\(scope): dropped (the user lacks it)"
        case .outsideClientGrant: "\(scope): dropped (outside the client grant)"
        case .notForMachines: "\(scope): dropped (OpenID Connect scopes are for user flows)"
        }
    }
}

/// A refused token request, as OAuth reports it (`access_denied`) with a description naming the cause.
public struct GrantRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why, in closed form, for tests and callers that branch on it.
    public enum Cause: Hashable, Sendable {
        case unknownAudience, unknownApplication, grantTypeNotAllowed, policyDenies, noClientGrant, scopesNotGranted([String])
    }

    public var cause: Cause
    /// OAuth's `error`: always `access_denied`.
    public let error = "access_denied"
    /// OAuth's `error_description`.
    public var errorDescription: String

    public init(_ cause: Cause, _ description: String) {
        self.cause = cause
        self.errorDescription = description
    }

    public var description: String { "\(error): \(errorDescription)" }
}

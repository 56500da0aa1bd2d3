import WardenModel

/// An API (Auth0's resource server): the audience tokens are minted for, the permissions it defines, and the two
/// settings that decide a token's scopes — RBAC, and the access policies for users and for machines.
public struct ResourceServer: Hashable, Sendable {
    /// Who may get a token for this API on a user's behalf (Auth0's `subject_type_authorization.user.policy`).
    public enum UserAccessPolicy: String, Hashable, Sendable, CaseIterable {
        /// "Allow": any application may; scopes come from the user alone (under RBAC).
        case allowAll = "allow_all"
        /// "Allow via client grant": the application's client grant is a ceiling, and is required.
        case requireClientGrant = "require_client_grant"
        /// "Deny": no application may.
        case denyAll = "deny_all"
    }

    /// Who may get a machine-to-machine token (Auth0's `subject_type_authorization.client.policy`).
    public enum ClientAccessPolicy: String, Hashable, Sendable, CaseIterable {
        case requireClientGrant = "require_client_grant"
        case denyAll = "deny_all"
    }

    /// The API's identifier: the `audience` of its tokens.
    public var identifier: String
    public var name: String
    /// The permissions (scopes) the API defines, e.g. `read:orders`.
    public var permissions: [Permission] {
        didSet { definedScopes = Set(permissions.map { ByteString($0.value) }) }
    }
    /// `permissions` as a set of their bytes, for the calculation's lookups.
    public private(set) var definedScopes: Set<ByteString> = []
    /// "Enable RBAC" (`enforce_policies`): the user's permissions decide.
    public var rbacEnabled: Bool
    /// "Add permissions in the access token" (`token_dialect: access_token_authz`).
    public var addPermissionsToToken: Bool
    public var userPolicy: UserAccessPolicy
    public var clientPolicy: ClientAccessPolicy
    /// Access token lifetime in seconds.
    public var tokenLifetime: Int
    /// The signing algorithm of its tokens (`RS256`).
    public var signingAlgorithm: String

    public init(
        identifier: String, name: String, permissions: [Permission] = [], rbacEnabled: Bool = false,
        addPermissionsToToken: Bool = false, userPolicy: UserAccessPolicy = .allowAll,
        clientPolicy: ClientAccessPolicy = .requireClientGrant, tokenLifetime: Int = 86_400, signingAlgorithm: String = "RS256"
    ) {
        self.identifier = identifier
        self.name = name
        self.permissions = permissions
        self.definedScopes = Set(permissions.map { ByteString($0.value) })
        self.rbacEnabled = rbacEnabled
        self.addPermissionsToToken = addPermissionsToToken
        self.userPolicy = userPolicy
        self.clientPolicy = clientPolicy
        self.tokenLifetime = tokenLifetime
        self.signingAlgorithm = signingAlgorithm
    }

    /// Whether the API defines `scope`, byte for byte.
    public func defines(_ scope: String) -> Bool { definedScopes.contains(ByteString(scope)) }
}

/// A permission an API defines: `verb:resource`, with a description.
public struct Permission: Hashable, Sendable {
    public var value: String
    public var description: String

    public init(value: String, description: String = "") {
        self.value = value
        self.description = description
    }
}

/// A permission on a named API, as roles and users hold them.
public struct APIPermission: Hashable, Sendable, CustomStringConvertible {
    /// The API's identifier (audience).
    public var api: String
    public var permission: String

    public init(api: String, permission: String) {
        self.api = api
        self.permission = permission
    }

    public var description: String { "\(permission) on \(api)" }
}

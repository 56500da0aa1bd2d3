import WardenModel

/// A role: a named bundle of permissions assigned to users (`Inventory Manager`).
public struct Role: Hashable, Sendable {
    public var name: String
    public var description: String
    public var permissions: [APIPermission]

    public init(name: String, description: String = "", permissions: [APIPermission] = []) {
        self.name = name
        self.description = description
        self.permissions = permissions
    }
}

/// A user of the directory: roles by name and permissions assigned directly.
public struct DirectoryUser: Hashable, Sendable {
    /// The user id, as it appears in a token's `sub` (`auth0|abc123`).
    public var id: String
    public var roles: [String]
    public var permissions: [APIPermission]

    public init(id: String, roles: [String] = [], permissions: [APIPermission] = []) {
        self.id = id
        self.roles = roles
        self.permissions = permissions
    }
}

/// An application (Auth0's client) that asks for tokens.
public struct Application: Hashable, Sendable {
    /// Auth0's `app_type`.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case spa, native
        case regularWeb = "regular_web"
        /// Machine to machine.
        case machineToMachine = "non_interactive"
    }

    public var clientID: String
    public var name: String
    public var kind: Kind
    /// The client secret's SHA-256, hex; the secret itself is never stored.
    public var secretHash: String?

    public init(clientID: String, name: String, kind: Kind, secretHash: String? = nil) {
        self.clientID = clientID
        self.name = name
        self.kind = kind
        self.secretHash = secretHash
    }
}

/// What an application itself may request from one API: the ceiling under "Allow via client grant", and the
/// whole of a machine-to-machine token.
public struct ClientGrant: Hashable, Sendable {
    public var clientID: String
    /// The API's identifier.
    public var audience: String
    public var scopes: [String] {
        didSet { scopeSet = Set(scopes.map(ByteString.init)) }
    }
    /// `scopes` as a set of their bytes, for the calculation's lookups.
    public private(set) var scopeSet: Set<ByteString> = []

    public init(clientID: String, audience: String, scopes: [String]) {
        self.clientID = clientID
        self.audience = audience
        self.scopes = scopes
        self.scopeSet = Set(scopes.map(ByteString.init))
    }
}

import WardenModel

/// A tenant's authorization directory: APIs, roles, users, applications and client grants, indexed for the
/// token-scope calculation. A plain value; build it once and share it.
///
/// Ids, names and scopes are looked up by their bytes, as Auth0 compares them: `café` written precomposed and
/// decomposed, or `K` and the Kelvin sign, are two ids, never one (Swift's `String` equality would merge them).
public struct Directory: Hashable, Sendable {
    public private(set) var resourceServers: [ResourceServer]
    public private(set) var roles: [Role]
    public private(set) var users: [DirectoryUser]
    public private(set) var applications: [Application]
    public private(set) var clientGrants: [ClientGrant]

    private var serverIndex: [ByteString: Int] = [:]
    private var roleIndex: [ByteString: Int] = [:]
    private var userIndex: [ByteString: Int] = [:]
    private var applicationIndex: [ByteString: Int] = [:]
    private var grantIndex: [GrantKey: Int] = [:]
    /// Each user's permissions per API, with their sources, computed once: a grant is then lookups only.
    private var userPermissionIndex: [ByteString: [ByteString: HeldPermissions]] = [:]

    private struct GrantKey: Hashable {
        var clientID: ByteString
        var audience: ByteString
    }

    public init(
        resourceServers: [ResourceServer] = [], roles: [Role] = [], users: [DirectoryUser] = [],
        applications: [Application] = [], clientGrants: [ClientGrant] = []
    ) {
        self.resourceServers = resourceServers
        self.roles = roles
        self.users = users
        self.applications = applications
        self.clientGrants = clientGrants
        for (index, server) in resourceServers.enumerated() { serverIndex[ByteString(server.identifier)] = index }
        for (index, role) in roles.enumerated() { roleIndex[ByteString(role.name)] = index }
        for (index, user) in users.enumerated() { userIndex[ByteString(user.id)] = index }
        for (index, application) in applications.enumerated() { applicationIndex[ByteString(application.clientID)] = index }
        for (index, grant) in clientGrants.enumerated() {
            grantIndex[GrantKey(clientID: ByteString(grant.clientID), audience: ByteString(grant.audience))] = index
        }
        for user in users {
            var byAPI: [ByteString: [ByteString: [String]]] = [:]
            for name in user.roles {
                guard let role = roleIndex[ByteString(name)].map({ roles[$0] }) else { continue }
                for permission in role.permissions {
                    byAPI[ByteString(permission.api), default: [:]][ByteString(permission.permission), default: []].append("role '\(role.name)'")
                }
            }
            for permission in user.permissions {
                byAPI[ByteString(permission.api), default: [:]][ByteString(permission.permission), default: []].append("assigned directly")
            }
            userPermissionIndex[ByteString(user.id)] = byAPI.mapValues { HeldPermissions(sources: $0, sorted: $0.keys.sorted().map(\.value)) }
        }
    }

    /// A user's permissions on one API: where each comes from, and all of them sorted.
    struct HeldPermissions: Hashable, Sendable {
        var sources: [ByteString: [String]]
        var sorted: [String]
        static let none = HeldPermissions(sources: [:], sorted: [])
    }

    func held(by userID: String, on api: String) -> HeldPermissions {
        userPermissionIndex[ByteString(userID)]?[ByteString(api)] ?? .none
    }

    public func resourceServer(_ audience: String) -> ResourceServer? { serverIndex[ByteString(audience)].map { resourceServers[$0] } }
    public func role(named name: String) -> Role? { roleIndex[ByteString(name)].map { roles[$0] } }
    public func user(_ id: String) -> DirectoryUser? { userIndex[ByteString(id)].map { users[$0] } }
    public func application(_ clientID: String) -> Application? { applicationIndex[ByteString(clientID)].map { applications[$0] } }
    public func clientGrant(client: String, audience: String) -> ClientGrant? {
        grantIndex[GrantKey(clientID: ByteString(client), audience: ByteString(audience))].map { clientGrants[$0] }
    }

    /// The user's permissions on `api`, each with where it comes from (`role 'Support Agent'`, `assigned directly`),
    /// keyed by their bytes.
    public func permissions(of user: DirectoryUser, on api: String) -> [ByteString: [String]] {
        held(by: user.id, on: api).sources
    }
}

/// A tenant's authorization directory: APIs, roles, users, applications and client grants, indexed for the
/// token-scope calculation. A plain value; build it once and share it.
public struct Directory: Hashable, Sendable {
    public private(set) var resourceServers: [ResourceServer]
    public private(set) var roles: [Role]
    public private(set) var users: [DirectoryUser]
    public private(set) var applications: [Application]
    public private(set) var clientGrants: [ClientGrant]

    private var serverIndex: [String: Int] = [:]
    private var roleIndex: [String: Int] = [:]
    private var userIndex: [String: Int] = [:]
    private var applicationIndex: [String: Int] = [:]
    private var grantIndex: [GrantKey: Int] = [:]
    /// Each user's permissions per API, with their sources, computed once: a grant is then lookups only.
    private var userPermissionIndex: [String: [String: HeldPermissions]] = [:]

    private struct GrantKey: Hashable {
        var clientID: String
        var audience: String
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
        for (index, server) in resourceServers.enumerated() { serverIndex[server.identifier] = index }
        for (index, role) in roles.enumerated() { roleIndex[role.name] = index }
        for (index, user) in users.enumerated() { userIndex[user.id] = index }
        for (index, application) in applications.enumerated() { applicationIndex[application.clientID] = index }
        for (index, grant) in clientGrants.enumerated() {
            grantIndex[GrantKey(clientID: grant.clientID, audience: grant.audience)] = index
        }
        for user in users {
            var byAPI: [String: [String: [String]]] = [:]
            for name in user.roles {
                guard let role = roleIndex[name].map({ roles[$0] }) else { continue }
                for permission in role.permissions {
                    byAPI[permission.api, default: [:]][permission.permission, default: []].append("role '\(role.name)'")
                }
            }
            for permission in user.permissions {
                byAPI[permission.api, default: [:]][permission.permission, default: []].append("assigned directly")
            }
            userPermissionIndex[user.id] = byAPI.mapValues { HeldPermissions(sources: $0, sorted: $0.keys.sorted()) }
        }
    }

    /// A user's permissions on one API: where each comes from, and all of them sorted.
    struct HeldPermissions: Hashable, Sendable {
        var sources: [String: [String]]
        var sorted: [String]
        static let none = HeldPermissions(sources: [:], sorted: [])
    }

    func held(by userID: String, on api: String) -> HeldPermissions {
        userPermissionIndex[userID]?[api] ?? .none
    }

    public func resourceServer(_ audience: String) -> ResourceServer? { serverIndex[audience].map { resourceServers[$0] } }
    public func role(named name: String) -> Role? { roleIndex[name].map { roles[$0] } }
    public func user(_ id: String) -> DirectoryUser? { userIndex[id].map { users[$0] } }
    public func application(_ clientID: String) -> Application? { applicationIndex[clientID].map { applications[$0] } }
    public func clientGrant(client: String, audience: String) -> ClientGrant? {
        grantIndex[GrantKey(clientID: client, audience: audience)].map { clientGrants[$0] }
    }

    /// The user's permissions on `api`, each with where it comes from (`role 'Support Agent'`, `assigned directly`).
    public func permissions(of user: DirectoryUser, on api: String) -> [String: [String]] {
        held(by: user.id, on: api).sources
    }
}

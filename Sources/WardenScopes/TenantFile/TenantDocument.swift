import WardenModel

/// The tenant file's shape, with Auth0's field names; converted to and from ``Directory``.
struct TenantDocument: Codable {
    struct Problem: Error {
        var text: String
    }

    struct PermissionRef: Codable {
        var permission_name: String
        var resource_server_identifier: String
    }

    struct Scope: Codable {
        var value: String
        var description: String?
    }

    struct Policy: Codable {
        var policy: String
    }

    struct SubjectTypeAuthorization: Codable {
        var user: Policy?
        var client: Policy?
    }

    struct ResourceServerEntry: Codable {
        var name: String
        var identifier: String
        var scopes: [Scope]?
        var enforce_policies: Bool?
        var token_dialect: String?
        var token_lifetime: Int?
        var signing_alg: String?
        var subject_type_authorization: SubjectTypeAuthorization?
    }

    struct RoleEntry: Codable {
        var name: String
        var description: String?
        var permissions: [PermissionRef]?
    }

    struct ClientEntry: Codable {
        var name: String
        var client_id: String?
        var app_type: String?
        var client_secret_hash: String?
    }

    struct ClientGrantEntry: Codable {
        var client_id: String
        var audience: String
        var scope: [String]?
    }

    struct UserEntry: Codable {
        var user_id: String
        var roles: [String]?
        var permissions: [PermissionRef]?
    }

    var resourceServers: [ResourceServerEntry]?
    var roles: [RoleEntry]?
    var clients: [ClientEntry]?
    var clientGrants: [ClientGrantEntry]?
    var users: [UserEntry]?

    func directory() throws -> Directory {
        let servers = try (resourceServers ?? []).enumerated().map { index, entry in
            let where_ = "resourceServers[\(index)] (\(entry.identifier))"
            guard let userPolicy = ResourceServer.UserAccessPolicy(
                rawValue: entry.subject_type_authorization?.user?.policy ?? "allow_all")
            else {
                throw Problem(text: "\(where_): subject_type_authorization.user.policy must be allow_all, require_client_grant or deny_all")
            }
            guard let clientPolicy = ResourceServer.ClientAccessPolicy(
                rawValue: entry.subject_type_authorization?.client?.policy ?? "require_client_grant")
            else {
                throw Problem(text: "\(where_): subject_type_authorization.client.policy must be require_client_grant or deny_all")
            }
            let lifetime = entry.token_lifetime ?? 86_400
            // Auth0 allows 1 second to 30 days; anything else would overflow or mint tokens already expired.
            guard (1...2_592_000).contains(lifetime) else {
                throw Problem(text: "\(where_): token_lifetime must be between 1 and 2592000 seconds (30 days), not \(lifetime)")
            }
            let dialect = entry.token_dialect ?? "access_token"
            guard ["access_token", "access_token_authz", "rfc9068_profile", "rfc9068_profile_authz"].contains(dialect) else {
                throw Problem(text: "\(where_): token_dialect '\(dialect)' is not one of Auth0's dialects")
            }
            return ResourceServer(
                identifier: entry.identifier, name: entry.name,
                permissions: (entry.scopes ?? []).map { Permission(value: $0.value, description: $0.description ?? "") },
                rbacEnabled: entry.enforce_policies ?? false, addPermissionsToToken: dialect.hasSuffix("_authz"),
                userPolicy: userPolicy, clientPolicy: clientPolicy, tokenLifetime: lifetime,
                signingAlgorithm: entry.signing_alg ?? "RS256")
        }
        let applications = try (clients ?? []).enumerated().map { index, entry in
            guard let kind = Application.Kind(rawValue: entry.app_type ?? "regular_web") else {
                throw Problem(text: "clients[\(index)] (\(entry.name)): app_type must be spa, native, regular_web or non_interactive")
            }
            return Application(clientID: entry.client_id ?? entry.name, name: entry.name, kind: kind, secretHash: entry.client_secret_hash)
        }
        // The Deploy CLI names a grant's client by name; accept the name or the id.
        var clientIDs: [ByteString: String] = [:]
        for application in applications {
            clientIDs[ByteString(application.name)] = application.clientID
            clientIDs[ByteString(application.clientID)] = application.clientID
        }
        let grants = try (clientGrants ?? []).enumerated().map { index, entry in
            guard let clientID = clientIDs[ByteString(entry.client_id)] else {
                throw Problem(text: "clientGrants[\(index)]: client '\(entry.client_id)' is not in clients")
            }
            return ClientGrant(clientID: clientID, audience: entry.audience, scopes: entry.scope ?? [])
        }
        func permissions(_ refs: [PermissionRef]?) -> [APIPermission] {
            (refs ?? []).map { APIPermission(api: $0.resource_server_identifier, permission: $0.permission_name) }
        }
        return Directory(
            resourceServers: servers,
            roles: (roles ?? []).map { Role(name: $0.name, description: $0.description ?? "", permissions: permissions($0.permissions)) },
            users: (users ?? []).map { DirectoryUser(id: $0.user_id, roles: $0.roles ?? [], permissions: permissions($0.permissions)) },
            applications: applications, clientGrants: grants)
    }

    init(_ directory: Directory) {
        func refs(_ permissions: [APIPermission]) -> [PermissionRef]? {
            permissions.isEmpty ? nil : permissions.map { PermissionRef(permission_name: $0.permission, resource_server_identifier: $0.api) }
        }
        resourceServers = directory.resourceServers.map { server in
            ResourceServerEntry(
                name: server.name, identifier: server.identifier,
                scopes: server.permissions.map { Scope(value: $0.value, description: $0.description.isEmpty ? nil : $0.description) },
                enforce_policies: server.rbacEnabled, token_dialect: server.addPermissionsToToken ? "access_token_authz" : "access_token",
                token_lifetime: server.tokenLifetime, signing_alg: server.signingAlgorithm,
                subject_type_authorization: SubjectTypeAuthorization(
                    user: Policy(policy: server.userPolicy.rawValue), client: Policy(policy: server.clientPolicy.rawValue)))
        }
        roles = directory.roles.map { RoleEntry(name: $0.name, description: $0.description.isEmpty ? nil : $0.description, permissions: refs($0.permissions)) }
        clients = directory.applications.map {
            ClientEntry(name: $0.name, client_id: $0.clientID, app_type: $0.kind.rawValue, client_secret_hash: $0.secretHash)
        }
        clientGrants = directory.clientGrants.map { ClientGrantEntry(client_id: $0.clientID, audience: $0.audience, scope: $0.scopes) }
        users = directory.users.map { UserEntry(user_id: $0.id, roles: $0.roles.isEmpty ? nil : $0.roles, permissions: refs($0.permissions)) }
    }
}

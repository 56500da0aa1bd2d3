/// A problem the linter found in a tenant: how bad, which rule, and a sentence naming what and where.
public struct Finding: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Comparable {
        case error, warning, info

        private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// The rules, named for the mistake they catch.
    public enum Rule: String, Hashable, Sendable {
        case rbacUserWithoutRoles = "rbac-user-without-roles"
        case missingClientGrant = "missing-client-grant"
        case clientGrantBypassed = "client-grant-bypassed"
        case permissionName = "permission-name"
        case roleWithoutPermissions = "role-without-permissions"
        case unusedPermission = "unused-permission"
        case undefinedPermission = "undefined-permission"
    }

    public var severity: Severity
    public var rule: Rule
    public var message: String

    public var description: String { "\(severity.rawValue): [\(rule.rawValue)] \(message)" }
}

/// The seed's "what happens if you get it wrong" cases, and other slips, as findings.
public enum TenantLinter {
    /// `verb:resource`: lowercase words joined by `_` or `-`, one colon.
    public static func isVerbResource(_ name: String) -> Bool {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        func word(_ part: Substring) -> Bool {
            !part.isEmpty && part.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-" }
        }
        return parts.count == 2 && word(parts[0]) && word(parts[1])
    }

    /// Every finding, errors first.
    public static func lint(_ directory: Directory) -> [Finding] {
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ rule: Finding.Rule, _ message: String) {
            findings.append(Finding(severity: severity, rule: rule, message: message))
        }
        for api in directory.resourceServers {
            for permission in api.permissions where !isVerbResource(permission.value) {
                add(.warning, .permissionName, "permission '\(permission.value)' of API '\(api.identifier)' is not named verb:resource")
            }
            let granted = Set(directory.roles.flatMap(\.permissions).filter { $0.api == api.identifier }.map(\.permission))
            for permission in api.permissions where !granted.contains(permission.value) {
                add(.info, .unusedPermission, "no role grants permission '\(permission.value)' of API '\(api.identifier)'")
            }
            if api.rbacEnabled {
                for user in directory.users where directory.permissions(of: user, on: api.identifier).isEmpty {
                    add(
                        .warning, .rbacUserWithoutRoles,
                        "user '\(user.id)' has no role or permission on '\(api.identifier)', which enforces RBAC: "
                            + "every token for it has zero scopes")
                }
            }
            let userFacing = directory.applications.filter { $0.kind != .machineToMachine }
            for application in userFacing {
                let grant = directory.clientGrant(client: application.clientID, audience: api.identifier)
                if api.userPolicy == .requireClientGrant, grant == nil {
                    add(
                        .warning, .missingClientGrant,
                        "application '\(application.name)' has no client grant for '\(api.identifier)', whose user access "
                            + "is Allow via client grant: its token requests are refused, every API call fails")
                }
                if api.userPolicy == .allowAll, api.rbacEnabled, let grant {
                    let ceiling = Set(grant.scopes)
                    let beyond = directory.users.flatMap { user in
                        directory.permissions(of: user, on: api.identifier).keys.filter { !ceiling.contains($0) }
                    }
                    if !beyond.isEmpty {
                        add(
                            .error, .clientGrantBypassed,
                            "application '\(application.name)' has a client grant for '\(api.identifier)' narrower than its "
                                + "users' permissions (\(Set(beyond).sorted().joined(separator: ", "))), but the API's user "
                                + "access is Allow, so the grant is no ceiling: set it to Allow via client grant")
                    }
                }
            }
        }
        for role in directory.roles {
            if role.permissions.isEmpty { add(.warning, .roleWithoutPermissions, "role '\(role.name)' has no permissions") }
            for permission in role.permissions where !(directory.resourceServer(permission.api)?.defines(permission.permission) ?? false) {
                add(.error, .undefinedPermission, "role '\(role.name)' names \(permission), which the API does not define")
            }
        }
        for grant in directory.clientGrants {
            for scope in grant.scopes where !(directory.resourceServer(grant.audience)?.defines(scope) ?? false) {
                add(.error, .undefinedPermission, "the client grant of '\(grant.clientID)' names \(scope) on \(grant.audience), which the API does not define")
            }
        }
        return findings.sorted { $0.severity < $1.severity }
    }
}

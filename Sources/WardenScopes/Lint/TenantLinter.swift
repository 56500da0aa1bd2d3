import WardenModel
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
        case invisibleCharacters = "invisible-characters"
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

    /// Up to five names, then how many more.
    static func sample(_ names: [String]) -> String {
        let shown = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 5 ? shown + " and \(names.count - 5) more" : shown
    }

    /// Every finding, errors first; findings that would repeat per user or per application are aggregated per API.
    public static func lint(_ directory: Directory) -> [Finding] {
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ rule: Finding.Rule, _ message: String) {
            findings.append(Finding(severity: severity, rule: rule, message: message))
        }
        let rbacAPIs = directory.resourceServers.filter(\.rbacEnabled).map(\.identifier)
        // A user with no role or permission on any API that enforces RBAC: every token they get is empty.
        for user in directory.users where !rbacAPIs.isEmpty && rbacAPIs.allSatisfy({ directory.permissions(of: user, on: $0).isEmpty }) {
            add(
                .warning, .rbacUserWithoutRoles,
                "user '\(user.id)' has no role or permission on any API that enforces RBAC (\(rbacAPIs.joined(separator: ", "))): "
                    + "every token they get has zero scopes")
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
                // The seed's mistake bites a user with no role anywhere; a user whose roles are all for other APIs
                // merely has nothing to do with this one, so those are counted, not listed one by one.
                let empty = directory.users.filter { directory.permissions(of: $0, on: api.identifier).isEmpty }
                let unrelated = empty.filter { user in rbacAPIs.contains { !directory.permissions(of: user, on: $0).isEmpty } }
                if !directory.users.isEmpty, empty.count == directory.users.count {
                    add(
                        .warning, .rbacUserWithoutRoles,
                        "no user holds a role or permission on '\(api.identifier)', which enforces RBAC: every user token for it has zero scopes")
                } else if !unrelated.isEmpty {
                    add(
                        .info, .rbacUserWithoutRoles,
                        "\(unrelated.count) user\(unrelated.count == 1 ? "" : "s") hold nothing on '\(api.identifier)' (roles for other APIs only"
                            + ", e.g. \(Self.sample(unrelated.map(\.id)))): their tokens for it have zero scopes")
                }
            }
            let userFacing = directory.applications.filter { $0.kind != .machineToMachine }
            if api.userPolicy == .requireClientGrant {
                let ungranted = userFacing.filter { directory.clientGrant(client: $0.clientID, audience: api.identifier) == nil }
                if !ungranted.isEmpty {
                    add(
                        .warning, .missingClientGrant,
                        "\(ungranted.count) application\(ungranted.count == 1 ? " has" : "s have") no client grant for '\(api.identifier)' "
                            + "(\(Self.sample(ungranted.map(\.name)))), whose user access is Allow via client grant: their token "
                            + "requests for it are refused")
                }
            }
            for application in userFacing {
                let grant = directory.clientGrant(client: application.clientID, audience: api.identifier)
                if api.userPolicy == .allowAll, api.rbacEnabled, let grant {
                    let beyond = directory.users.flatMap { user in
                        directory.permissions(of: user, on: api.identifier).keys.filter { !grant.scopeSet.contains($0) }.map(\.value)
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
        // OpenFGA and Auth0 accept these names, but U+202E or U+200B lets one display as another.
        let names: [(String, String)] =
            directory.users.map { ("user", $0.id) } + directory.roles.map { ("role", $0.name) }
            + directory.applications.flatMap { [("application", $0.name), ("client id", $0.clientID)] }
            + directory.resourceServers.map { ("API", $0.identifier) }
        for (kind, name) in names where name.hasInvisibleCharacters {
            add(
                .warning, .invisibleCharacters,
                "\(kind) '\(name.quotedForMessage())' holds an invisible or direction-changing character: it may display as another \(kind)")
        }
        return findings.sorted { $0.severity < $1.severity }
    }
}

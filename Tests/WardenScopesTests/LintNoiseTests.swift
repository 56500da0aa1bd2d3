import Testing
import WardenScopes

/// Hardening finding 10: lint reports where the seed's mistakes bite, and counts the rest per API.
@Suite("Hardening: lint is sharp, not noisy")
struct LintNoiseTests {
    @Test("finding 10: 10,000 users each working with one of two RBAC APIs and 20 applications give a handful of findings")
    func realTenant() {
        let apis = ["https://a.example", "https://b.example"].map { identifier in
            ResourceServer(
                identifier: identifier, name: identifier, permissions: [Permission(value: "read:things")], rbacEnabled: true,
                userPolicy: identifier.hasPrefix("https://b") ? .requireClientGrant : .allowAll)
        }
        let roles = apis.map { Role(name: "reader of \($0.identifier)", permissions: [APIPermission(api: $0.identifier, permission: "read:things")]) }
        let users = (0..<10_000).map { DirectoryUser(id: "user-\($0)", roles: [roles[$0 % 2].name]) } + [DirectoryUser(id: "new-hire")]
        let applications = (0..<20).map { Application(clientID: "app-\($0)", name: "app \($0)", kind: .regularWeb) }
        let directory = Directory(resourceServers: apis, roles: roles, users: users, applications: applications)
        let findings = TenantLinter.lint(directory)
        #expect(findings.count == 4, "\(findings)")
        // The seed's mistake, by name: a user with no role at all.
        #expect(findings.contains { $0.severity == .warning && $0.message.hasPrefix("user 'new-hire' has no role") })
        // The users of the other API, counted once per API.
        #expect(findings.filter { $0.severity == .info && $0.rule == .rbacUserWithoutRoles }.count == 2)
        #expect(findings.contains { $0.message.hasPrefix("5000 users hold nothing on 'https://a.example'") })
        // The applications without a grant for the API that requires one, once.
        #expect(findings.filter { $0.rule == .missingClientGrant }.map(\.message) == [
            "20 applications have no client grant for 'https://b.example' ('app 0', 'app 1', 'app 2', 'app 3', 'app 4' and 15 more), "
                + "whose user access is Allow via client grant: their token requests for it are refused",
        ])
    }

    @Test("finding 9: a user id or role name holding U+202E or U+200B is a warning, quoted with the character escaped")
    func invisibleCharacters() {
        let api = ResourceServer(
            identifier: "https://a.example", name: "a", permissions: [Permission(value: "read:things")], rbacEnabled: true,
            userPolicy: .allowAll)
        let role = Role(name: "reader\u{200B}", permissions: [APIPermission(api: api.identifier, permission: "read:things")])
        let users = [DirectoryUser(id: "alice\u{202E}evil", roles: [role.name]), DirectoryUser(id: "bob", roles: [role.name])]
        let findings = TenantLinter.lint(Directory(resourceServers: [api], roles: [role], users: users))
        #expect(findings.filter { $0.rule == .invisibleCharacters }.map(\.message) == [
            "user 'alice\\u{202E}evil' holds an invisible or direction-changing character: it may display as another user",
            "role 'reader\\u{200B}' holds an invisible or direction-changing character: it may display as another role",
        ])
        #expect(findings.allSatisfy { $0.rule != .invisibleCharacters || $0.severity == .warning })
    }
}

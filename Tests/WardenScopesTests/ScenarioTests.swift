import Foundation
import Testing
import WardenScopes
import WardenTestSupport

/// The seed's three scenarios, from the tenant files in models/, with the seed's exact scope strings; and each
/// of its "what happens if you get it wrong" cases, reproduced and caught by the linter.
@Suite("Token scopes: the seed's scenarios")
struct ScenarioTests {
    static func tenant(_ folder: String) throws -> Directory {
        try TenantFile.load(path: Fixtures.repositoryRoot.appendingPathComponent("models/\(folder)/tenant.yaml").path)
    }

    static func scope(_ directory: Directory, user: String?, client: String, audience: String, _ requested: String?) throws -> String {
        try directory.grant(GrantRequest(user: user, clientID: client, audience: audience, requestedScopes: GrantRequest.scopes(requested))).scope
    }

    static let retail = "https://api.retail.example"
    static let analytics = "https://api.analytics.example"
    static let health = "https://api.health.example"

    @Test("scenario 1, admin portal: the user's role decides")
    func adminPortal() throws {
        let tenant = try Self.tenant("warehouse")
        let all = "openid read:orders read:products write:products"
        #expect(try Self.scope(tenant, user: "auth0|sam", client: "admin-portal", audience: Self.retail, all) == "openid read:orders")
        #expect(try Self.scope(tenant, user: "auth0|anne", client: "admin-portal", audience: Self.retail, all) == "openid read:products write:products")
        #expect(try Self.scope(tenant, user: "auth0|sam", client: "admin-portal", audience: Self.retail, "read:orders") == "read:orders")
        #expect(try Self.scope(tenant, user: "auth0|anne", client: "admin-portal", audience: Self.retail, "read:products write:products") == "read:products write:products")
        // The permissions claim: all of the user's permissions on the API.
        let grant = try tenant.grant(GrantRequest(user: "auth0|anne", clientID: "admin-portal", audience: Self.retail, requestedScopes: ["read:products"]))
        #expect(grant.permissions == ["read:products", "write:products"])
        #expect(grant.decisions.map(\.description) == [
            "read:products: granted (role 'Inventory Manager')", "write:products: dropped (not requested)",
        ])
    }

    @Test("scenario 2, partner app: the client grant decides, even for an admin")
    func partnerApp() throws {
        let tenant = try Self.tenant("partner-analytics")
        #expect(try Self.scope(tenant, user: "auth0|admin", client: "partner-app", audience: Self.analytics, "read:analytics delete:analytics") == "read:analytics")
        let grant = try tenant.grant(GrantRequest(user: "auth0|admin", clientID: "partner-app", audience: Self.analytics, requestedScopes: ["read:analytics", "delete:analytics"]))
        #expect(grant.decisions.map(\.description) == [
            "read:analytics: granted (RBAC off: the API defines it, client grant)", "delete:analytics: dropped (outside the client grant)",
        ])
    }

    @Test("scenario 3, mobile app: the intersection decides")
    func mobileApp() throws {
        let tenant = try Self.tenant("care-unit")
        let both = "read:patient_history write:patient_history"
        #expect(try Self.scope(tenant, user: "dr-kim", client: "mobile-app", audience: Self.health, both) == "read:patient_history")
        #expect(try Self.scope(tenant, user: "dr-kim", client: "web-portal", audience: Self.health, both) == both)
        let grant = try tenant.grant(GrantRequest(user: "dr-kim", clientID: "mobile-app", audience: Self.health, requestedScopes: ["read:patient_history", "write:patient_history"]))
        #expect(grant.permissions == ["read:patient_history"])
        #expect(grant.decisions.last?.description == "write:patient_history: dropped (outside the client grant)")
    }

    @Test("wrong 1: RBAC on and a user with no roles gets zero scopes, and lint says so")
    func userWithoutRoles() throws {
        let tenant = try Self.tenant("warehouse")
        #expect(try Self.scope(tenant, user: "auth0|new-hire", client: "admin-portal", audience: Self.retail, "read:orders read:products") == "")
        let withUser = Directory(
            resourceServers: tenant.resourceServers, roles: tenant.roles, users: tenant.users + [DirectoryUser(id: "auth0|new-hire")],
            applications: tenant.applications, clientGrants: tenant.clientGrants)
        #expect(TenantLinter.lint(withUser).map(\.rule).contains(.rbacUserWithoutRoles))
    }

    @Test("wrong 2: Allow via client grant with no client grant refuses the token, and lint says so")
    func missingClientGrant() throws {
        let tenant = try Self.tenant("partner-analytics")
        let broken = Directory(resourceServers: tenant.resourceServers, roles: tenant.roles, users: tenant.users, applications: tenant.applications)
        #expect(throws: GrantRefusal.self) { try Self.scope(broken, user: "auth0|admin", client: "partner-app", audience: Self.analytics, "read:analytics") }
        do {
            _ = try broken.grant(GrantRequest(user: "auth0|admin", clientID: "partner-app", audience: Self.analytics, requestedScopes: ["read:analytics"]))
        } catch {
            #expect(error.cause == .noClientGrant)
            #expect(error.error == "access_denied")
        }
        #expect(TenantLinter.lint(broken).map(\.rule).contains(.missingClientGrant))
    }

    @Test("wrong 3: policy Allow instead of Allow via client grant lets write:patient_history into the mobile token, and lint says so")
    func bypassedGrant() throws {
        let tenant = try Self.tenant("care-unit")
        var api = try #require(tenant.resourceServer(Self.health))
        api.userPolicy = .allowAll
        let broken = Directory(resourceServers: [api], roles: tenant.roles, users: tenant.users, applications: tenant.applications, clientGrants: tenant.clientGrants)
        #expect(try Self.scope(broken, user: "dr-kim", client: "mobile-app", audience: Self.health, "read:patient_history write:patient_history") == "read:patient_history write:patient_history")
        let findings = TenantLinter.lint(broken)
        #expect(findings.first?.rule == .clientGrantBypassed)
        #expect(findings.first?.severity == .error)
        #expect(TenantLinter.lint(tenant).filter { $0.severity == .error }.isEmpty)
    }

    @Test("the example tenants lint clean of errors and round-trip through YAML")
    func roundTrip() throws {
        for folder in ["warehouse", "partner-analytics", "care-unit"] {
            let tenant = try Self.tenant(folder)
            #expect(TenantLinter.lint(tenant).filter { $0.severity == .error }.isEmpty)
            #expect(try TenantFile.parse(TenantFile.export(tenant)) == tenant)
        }
    }
}

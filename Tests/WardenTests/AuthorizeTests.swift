import Foundation
import Testing
import Warden
import WardenConditions
import WardenEngine
import WardenModel
import WardenScopes
import WardenStore
import WardenTestSupport

/// Both layers in one decision: the scenario packages, defense in depth, bindings, subjects, the token cache.
@Suite("Authorize")
struct AuthorizeTests {
    static func folder(_ name: String) -> String { Fixtures.repositoryRoot.appendingPathComponent("models/\(name)").path }

    @Test("every case of the warehouse and care-unit scenario packages passes", arguments: ["warehouse", "care-unit"])
    func scenarios(_ name: String) async throws {
        let results = try await ScenarioRunner().run(folder: Self.folder(name))
        #expect(results.count == (name == "warehouse" ? 10 : 6))
        for result in results where !result.passed { Issue.record("\(result.narrative)") }
    }

    @Test("permissions compare by bytes: a token scope or a permission that is only a lookalike (NFC/NFD) of a binding grants nothing")
    func lookalikePermissions() throws {
        let directory = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: directory.path)
        let store = try warden.createStore(name: "lookalikes").id
        _ = try warden.writeModel(try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n"), store: store)
        try warden.importTuples([RelationshipTuple(try TupleKey(object: "doc:1", relation: "viewer", user: "user:anne"))], store: store)
        let composed = "read:caf\u{E9}", decomposed = "read:cafe\u{301}"
        let bindings = try PermissionBindings.parse("audience: https://api.example\nbindings:\n  \(composed): doc#viewer\n")
        func claims(_ scope: String) -> AccessTokenClaims {
            AccessTokenClaims(
                iss: "https://warden.local/", sub: "anne", aud: ["https://api.example"], iat: 0, exp: Int.max, azp: "app", scope: scope,
                permissions: nil, gty: nil)
        }
        let object = try ObjectRef(parsing: "doc:1")
        #expect(try warden.authorize(claims: claims(composed), permission: composed, object: object, store: store, bindings: bindings).allowed)
        let lookalikeScope = try warden.authorize(claims: claims(decomposed), permission: composed, object: object, store: store, bindings: bindings)
        #expect(!lookalikeScope.allowed && lookalikeScope.decidedBy == .token)
        #expect(throws: AuthorizeError.self) {
            try warden.authorize(claims: claims(decomposed), permission: decomposed, object: object, store: store, bindings: bindings)
        }
    }

    /// A Warden with the care-unit package loaded, and the tenant given (to allow misconfiguring it).
    static func careUnit(tenant: Directory) throws -> (Warden, String, PermissionBindings, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: directory.path)
        let store = try warden.createStore(name: "care-unit").id
        _ = try warden.writeModel(try ConditionValidation.loadValidated(path: folder("care-unit") + "/model.fga"), store: store)
        try warden.importTuples(try TupleFile.load(path: folder("care-unit") + "/tuples.yaml"), store: store)
        try warden.importTenant(tenant)
        return (warden, store, try PermissionBindings.load(path: folder("care-unit") + "/bindings.yaml"), directory)
    }

    @Test("defense in depth: with the seed's Scenario 3 mistake, write:patient_history reaches the mobile token, and the relationship layer still confines it to the doctor's unit")
    func defenseInDepth() async throws {
        var tenant = try TenantFile.load(path: Self.folder("care-unit") + "/tenant.yaml")
        var api = try #require(tenant.resourceServer("https://api.health.example"))
        api.userPolicy = .allowAll
        tenant = Directory(resourceServers: [api], roles: tenant.roles, users: tenant.users, applications: tenant.applications, clientGrants: tenant.clientGrants)
        #expect(TenantLinter.lint(tenant).contains { $0.rule == .clientGrantBypassed && $0.severity == .error })
        let (warden, store, bindings, directory) = try Self.careUnit(tenant: tenant)
        defer { withExtendedLifetime(directory) {} }
        let request = GrantRequest(user: "dr-kim", clientID: "mobile-app", audience: api.identifier, requestedScopes: ["read:patient_history", "write:patient_history"])
        let token = try await warden.mintToken(for: request)
        let outside = try await warden.authorize(token: token, permission: "write:patient_history", object: ObjectRef(parsing: "history:h-200"), store: store, bindings: bindings)
        #expect(outside.token.hasPermission)
        #expect(!outside.allowed)
        #expect(outside.decidedBy == .relationship)
        let inside = try await warden.authorize(token: token, permission: "write:patient_history", object: ObjectRef(parsing: "history:h-100"), store: store, bindings: bindings)
        #expect(inside.allowed)
    }

    @Test("a token verified once is served from the cache until the keys rotate")
    func tokenCache() async throws {
        let tenant = try TenantFile.load(path: Self.folder("care-unit") + "/tenant.yaml")
        let (warden, store, bindings, directory) = try Self.careUnit(tenant: tenant)
        defer { withExtendedLifetime(directory) {} }
        let token = try await warden.mintToken(for: GrantRequest(user: "dr-kim", clientID: "mobile-app", audience: "https://api.health.example", requestedScopes: ["read:patient_history"]))
        let object = try ObjectRef(parsing: "history:h-100")
        #expect(try await warden.authorize(token: token, permission: "read:patient_history", object: object, store: store, bindings: bindings).allowed)
        #expect(try await warden.authorize(token: token, permission: "read:patient_history", object: object, store: store, bindings: bindings).allowed)
        _ = try warden.rotateKeys(overlap: 0)
        let after = try await warden.authorize(token: token, permission: "read:patient_history", object: object, store: store, bindings: bindings)
        #expect(!after.allowed)
        #expect(after.decidedBy == .token)
        #expect(after.token.invalidToken?.code == .unknownKey)
    }

    @Test("subjects: user:<sub> (auth0|… ids included) and client:<id> for client credentials")
    func subjects() throws {
        func claims(_ sub: String, _ gty: String?) -> AccessTokenClaims {
            AccessTokenClaims(iss: "i", sub: sub, aud: ["a"], iat: 0, exp: 1, azp: "app", scope: nil, permissions: nil, gty: gty)
        }
        #expect(try Warden.subject(of: claims("auth0|abc123", nil)) == .object(ObjectRef(type: "user", id: "auth0|abc123")))
        #expect(try Warden.subject(of: claims("inventory-sync@clients", "client-credentials")) == .object(ObjectRef(type: "client", id: "inventory-sync")))
        #expect(throws: AuthorizeError.self) { try Warden.subject(of: claims("a b", nil)) }
    }

    @Test("bindings are validated against the model and the tenant, and a permission without one is an error when used")
    func bindings() throws {
        let model = try ConditionValidation.loadValidated(path: Self.folder("warehouse") + "/model.fga")
        let tenant = try TenantFile.load(path: Self.folder("warehouse") + "/tenant.yaml")
        let good = try PermissionBindings.load(path: Self.folder("warehouse") + "/bindings.yaml")
        #expect(good.problems(model: model, tenant: tenant).isEmpty)
        #expect(good.lint(model: model, tenant: tenant).isEmpty)
        let bad = try PermissionBindings.parse("""
            audience: https://api.retail.example
            bindings:
              read:orders: order#can_read
              write:products: product#can_delete
              read:stock: stock#can_read
              delete:orders: order#can_read
            """)
        #expect(bad.problems(model: model, tenant: tenant) == [
            "'write:products' binds to 'product#can_delete', but type 'product' has no relation 'can_delete'",
            "'read:stock' binds to type 'stock', which the model does not define",
            "permission 'delete:orders' is not defined on API 'https://api.retail.example'",
        ])
        #expect(bad.lint(model: model, tenant: tenant) == [
            "permission 'read:products' of 'https://api.retail.example' binds to no relation: using it is always denied",
            "relation 'product#can_read' is reached by no permission",
            "relation 'product#can_write' is reached by no permission",
        ])
        #expect(throws: PermissionBindings.Failure.self) { try PermissionBindings.parse("audience: x\nbindings:\n  read:a: nohash\n") }
    }

    @Test("an unbound permission or a mistyped object is an error, never a silent decision")
    func unbound() throws {
        let tenant = try TenantFile.load(path: Self.folder("care-unit") + "/tenant.yaml")
        let (warden, store, bindings, directory) = try Self.careUnit(tenant: tenant)
        defer { withExtendedLifetime(directory) {} }
        let claims = AccessTokenClaims(iss: Warden.defaultIssuer, sub: "dr-kim", aud: [bindings.audience], iat: 0, exp: 1, azp: "mobile-app", scope: "read:patient_history delete:patient", permissions: nil, gty: nil)
        #expect(throws: AuthorizeError.self) { try warden.authorize(claims: claims, permission: "delete:patient", object: ObjectRef(parsing: "history:h-100"), store: store, bindings: bindings) }
        #expect(throws: AuthorizeError.self) { try warden.authorize(claims: claims, permission: "read:patient_history", object: ObjectRef(parsing: "patient:p-100"), store: store, bindings: bindings) }
    }
}

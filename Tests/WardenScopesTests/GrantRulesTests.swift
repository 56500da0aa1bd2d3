import Testing
import WardenModel
import WardenScopes
import WardenTestSupport

/// The calculation's rules one by one, the client-credentials flow, and a property test over random directories.
@Suite("Token scopes: rules")
struct GrantRulesTests {
    static let api = "https://api.example"

    static func directory(rbac: Bool, policy: ResourceServer.UserAccessPolicy, grant: [String]? = ["read:a", "read:b"], clientPolicy: ResourceServer.ClientAccessPolicy = .requireClientGrant) -> Directory {
        Directory(
            resourceServers: [ResourceServer(
                identifier: api, name: "API", permissions: ["read:a", "read:b", "read:c", "write:a"].map { Permission(value: $0) },
                rbacEnabled: rbac, addPermissionsToToken: true, userPolicy: policy, clientPolicy: clientPolicy)],
            roles: [Role(name: "R", permissions: [APIPermission(api: api, permission: "read:a"), APIPermission(api: api, permission: "read:c")])],
            users: [DirectoryUser(id: "u", roles: ["R"], permissions: [APIPermission(api: api, permission: "write:a")])],
            applications: [Application(clientID: "app", name: "App", kind: .spa), Application(clientID: "job", name: "Job", kind: .machineToMachine)],
            clientGrants: grant.map { [ClientGrant(clientID: "app", audience: api, scopes: $0), ClientGrant(clientID: "job", audience: api, scopes: $0)] } ?? [])
    }

    static func scopes(_ directory: Directory, user: String? = "u", client: String = "app", _ requested: [String]?) throws -> [String] {
        try directory.grant(GrantRequest(user: user, clientID: client, audience: api, requestedScopes: requested)).scopes
    }

    static let everything = ["openid", "read:a", "read:b", "read:c", "write:a", "delete:x"]

    @Test("the four rows of the table")
    func table() throws {
        #expect(try Self.scopes(Self.directory(rbac: true, policy: .allowAll), Self.everything) == ["openid", "read:a", "read:c", "write:a"])
        #expect(try Self.scopes(Self.directory(rbac: false, policy: .allowAll), Self.everything) == ["openid", "read:a", "read:b", "read:c", "write:a"])
        #expect(try Self.scopes(Self.directory(rbac: false, policy: .requireClientGrant), Self.everything) == ["openid", "read:a", "read:b"])
        #expect(try Self.scopes(Self.directory(rbac: true, policy: .requireClientGrant), Self.everything) == ["openid", "read:a"])
    }

    @Test("deny, and a required grant that is missing, refuse the token")
    func refusals() throws {
        #expect(throws: GrantRefusal.self) { try Self.scopes(Self.directory(rbac: true, policy: .denyAll), ["read:a"]) }
        #expect(throws: GrantRefusal.self) { try Self.scopes(Self.directory(rbac: true, policy: .requireClientGrant, grant: nil), ["read:a"]) }
        #expect(throws: GrantRefusal.self) { try Self.scopes(Self.directory(rbac: true, policy: .allowAll), client: "nope", ["read:a"]) }
        #expect(throws: GrantRefusal.self) {
            try Self.directory(rbac: true, policy: .allowAll).grant(GrantRequest(user: "u", clientID: "app", audience: "https://other", requestedScopes: nil))
        }
    }

    @Test("permissions claim: all of the user's permissions, capped by the grant under Allow via client grant")
    func permissionsClaim() throws {
        let open = try Self.directory(rbac: true, policy: .allowAll).grant(GrantRequest(user: "u", clientID: "app", audience: Self.api, requestedScopes: ["read:a"]))
        #expect(open.permissions == ["read:a", "read:c", "write:a"])
        let capped = try Self.directory(rbac: true, policy: .requireClientGrant).grant(GrantRequest(user: "u", clientID: "app", audience: Self.api, requestedScopes: ["read:a"]))
        #expect(capped.permissions == ["read:a"])
    }

    @Test("client credentials: the grant, filtered by the request; outside the grant is refused; OIDC scopes never")
    func clientCredentials() throws {
        let directory = Self.directory(rbac: true, policy: .allowAll)
        let whole = try directory.grant(GrantRequest(user: nil, clientID: "job", audience: Self.api, requestedScopes: nil))
        #expect(whole.scopes == ["read:a", "read:b"])
        #expect(whole.subject == "job@clients")
        #expect(whole.isClientCredentials)
        #expect(try Self.scopes(directory, user: nil, client: "job", ["read:b"]) == ["read:b"])
        #expect(try Self.scopes(directory, user: nil, client: "job", ["openid", "read:b"]) == ["read:b"])
        do {
            _ = try directory.grant(GrantRequest(user: nil, clientID: "job", audience: Self.api, requestedScopes: ["read:b", "write:a"]))
            Issue.record("a scope outside the grant was not refused")
        } catch {
            #expect(error.cause == .scopesNotGranted(["write:a"]))
            #expect(error.errorDescription == "Client has not been granted scopes: write:a")
        }
        #expect(throws: GrantRefusal.self) { try Self.scopes(Self.directory(rbac: true, policy: .allowAll, clientPolicy: .denyAll), user: nil, client: "job", nil) }
        #expect(throws: GrantRefusal.self) { try Self.scopes(Self.directory(rbac: true, policy: .allowAll, grant: nil), user: nil, client: "job", nil) }
        do {
            _ = try directory.grant(GrantRequest(user: nil, clientID: "app", audience: Self.api, requestedScopes: nil))
            Issue.record("a single-page app got a machine token")
        } catch {
            #expect(error.cause == .grantTypeNotAllowed)
        }
    }

    @Test("ids, audiences and scopes compare by bytes: a lookalike (NFC/NFD, K/Kelvin sign) is another id, never a match")
    func lookalikes() throws {
        let composed = "read:caf\u{E9}", decomposed = "read:cafe\u{301}"
        // Swift's String equality merges them: the directory must not.
        #expect(composed == decomposed && "Kapp" == "\u{212A}app")
        let api = "https://api.caf\u{E9}"
        let directory = Directory(
            resourceServers: [ResourceServer(
                identifier: api, name: "API", permissions: [Permission(value: composed)], rbacEnabled: true, userPolicy: .allowAll)],
            users: [DirectoryUser(id: "Ku", permissions: [APIPermission(api: api, permission: composed)])],
            applications: [Application(clientID: "Kapp", name: "App", kind: .regularWeb), Application(clientID: "job", name: "Job", kind: .machineToMachine)],
            clientGrants: [ClientGrant(clientID: "job", audience: api, scopes: [composed])])
        func grant(user: String?, client: String, audience: String = api, _ scopes: [String]) throws(GrantRefusal) -> Grant {
            try directory.grant(GrantRequest(user: user, clientID: client, audience: audience, requestedScopes: scopes))
        }
        #expect(try grant(user: "Ku", client: "Kapp", [composed]).scopes == [composed])
        let lookalikeScope = try grant(user: "Ku", client: "Kapp", [decomposed])
        #expect(lookalikeScope.scopes.isEmpty)
        #expect(lookalikeScope.requestedDecisions.map(\.reason) == [.notDefinedOnAPI])
        #expect(try grant(user: "\u{212A}u", client: "Kapp", [composed]).requestedDecisions.map(\.reason) == [.userLacksPermission])
        #expect(throws: GrantRefusal.self) { try grant(user: "Ku", client: "\u{212A}app", [composed]) }
        #expect(throws: GrantRefusal.self) { try grant(user: "Ku", client: "Kapp", audience: "https://api.cafe\u{301}", [composed]) }
        #expect(try grant(user: nil, client: "job", [composed]).scopes == [composed])
        do {
            _ = try grant(user: nil, client: "job", [decomposed])
            Issue.record("a lookalike of a granted scope was granted")
        } catch {
            #expect(error.cause == .scopesNotGranted([decomposed]))
        }
    }

    @Test("every requested scope gets a reason")
    func reasons() throws {
        let grant = try Self.directory(rbac: true, policy: .requireClientGrant).grant(
            GrantRequest(user: "u", clientID: "app", audience: Self.api, requestedScopes: ["openid", "read:a", "read:b", "write:a", "delete:x"]))
        #expect(grant.decisions.map(\.description) == [
            "openid: granted (OpenID Connect scope)",
            "read:a: granted (role 'R', client grant)",
            "read:b: dropped (the user lacks it)",
            "write:a: dropped (outside the client grant)",
            "delete:x: dropped (not defined on the API)",
            "read:c: dropped (not requested)",
        ])
    }

    @Test("property: granted ⊆ requested, ⊆ the API's permissions, and ⊆ every ceiling the policy names")
    func subsetProperty() throws {
        var random = SeededGenerator(seed: 7)
        let universe = (0..<12).map { "verb\($0 % 3):thing\($0)" }
        for _ in 0..<2_000 {
            func pick() -> [String] { universe.filter { _ in Bool.random(using: &random) } }
            let defined = pick()
            let api = ResourceServer(
                identifier: Self.api, name: "API", permissions: defined.map { Permission(value: $0) }, rbacEnabled: Bool.random(using: &random),
                userPolicy: [.allowAll, .requireClientGrant, .denyAll].randomElement(using: &random)!)
            let userPermissions = pick()
            let grantScopes = pick()
            let hasGrant = Bool.random(using: &random)
            let directory = Directory(
                resourceServers: [api], users: [DirectoryUser(id: "u", permissions: userPermissions.map { APIPermission(api: Self.api, permission: $0) })],
                applications: [Application(clientID: "app", name: "App", kind: .regularWeb)],
                clientGrants: hasGrant ? [ClientGrant(clientID: "app", audience: Self.api, scopes: grantScopes)] : [])
            let requested = pick() + (Bool.random(using: &random) ? ["openid"] : [])
            guard let grant = try? directory.grant(GrantRequest(user: "u", clientID: "app", audience: Self.api, requestedScopes: requested)) else {
                #expect(api.userPolicy == .denyAll || (api.userPolicy == .requireClientGrant && !hasGrant))
                continue
            }
            let granted = Set(grant.scopes).subtracting(["openid"])
            #expect(granted.isSubset(of: Set(requested)))
            #expect(granted.isSubset(of: Set(defined)))
            if api.rbacEnabled { #expect(granted.isSubset(of: Set(userPermissions))) }
            if api.userPolicy == .requireClientGrant { #expect(granted.isSubset(of: Set(grantScopes))) }
            #expect(api.userPolicy != .denyAll)
        }
    }
}

import Benchmark
import Foundation
import WardenScopes

/// The token layer: a scope calculation for a user with 10 roles and 200 permissions, and RS256 tokens.
let benchmarks: @Sendable () -> Void = {
    let api = "https://api.bench.example"
    let permissions = (0..<200).map { "verb\($0 % 10):resource\($0)" }
    let roles = (0..<10).map { index in
        Role(name: "role-\(index)", permissions: permissions[(index * 20)..<(index * 20 + 20)].map { APIPermission(api: api, permission: $0) })
    }
    let directory = Directory(
        resourceServers: [ResourceServer(
            identifier: api, name: "Bench", permissions: permissions.map { Permission(value: $0) }, rbacEnabled: true,
            addPermissionsToToken: true, userPolicy: .requireClientGrant)],
        roles: roles, users: [DirectoryUser(id: "auth0|bench", roles: roles.map(\.name))],
        applications: [Application(clientID: "app", name: "App", kind: .regularWeb)],
        clientGrants: [ClientGrant(clientID: "app", audience: api, scopes: Array(permissions.prefix(150)))])
    let request = GrantRequest(
        user: "auth0|bench", clientID: "app", audience: api,
        requestedScopes: ["openid", permissions[3], permissions[47], permissions[120], permissions[180], "delete:nothing"])

    Benchmark(
        "Scope calculation: 10 roles, 200 permissions, 6 requested, Allow via client grant",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, maxDuration: .seconds(3))
    ) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try directory.grant(request)) }
    }

    let ring = try! KeyRing.generate()
    let issuer = TokenIssuer(issuer: "https://warden.bench/", keyRing: ring)
    let verifier = TokenVerifier(issuer: "https://warden.bench/", keyRing: ring)
    let grant = try! directory.grant(request)
    let claims = issuer.claims(for: grant, clientID: "app", api: directory.resourceServer(api)!)

    Benchmark(
        "Token: sign (RS256, 2048-bit)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, maxDuration: .seconds(3))
    ) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await issuer.sign(claims)) }
    }

    Benchmark(
        "Token: verify (RS256, 2048-bit, all claims)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, maxDuration: .seconds(3))
    ) { benchmark in
        let token = try await issuer.sign(claims)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try await verifier.verify(token, audience: api)) }
    }
}

import Foundation
import WardenConditions
import WardenEngine
import WardenModel
import WardenScopes
import WardenStore

/// Runs scenario files: each folder's tenant, model, bindings and tuples loaded into a fresh data directory, each
/// case answered by minting a real token (or not, when the token layer refuses) and calling ``Warden/authorize``.
public struct ScenarioRunner: Sendable {
    /// One case's outcome.
    public struct Result: Sendable {
        public var folder: String
        public var name: String
        public var passed: Bool
        /// What happened: the token's fate and the decision with its reasons.
        public var narrative: String
    }

    public init() {}

    /// Runs every case of the scenario file in `folder`.
    /// - Throws: when the folder's files cannot be loaded (bad model, tenant, bindings or tuples).
    public func run(folder: String, now: Date = Date()) async throws -> [Result] {
        let file = try ScenarioFile.load(folder: folder)
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("warden-scenario-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let warden = try Warden(dataDirectory: scratch)
        let tenant = try TenantFile.load(path: path(file.tenant))
        let model = try ConditionValidation.loadValidated(path: path(file.model))
        let bindings = try PermissionBindings.load(path: path(file.bindings))
        let problems = bindings.problems(model: model, tenant: tenant)
        guard problems.isEmpty else {
            throw PermissionBindings.Failure(file: path(file.bindings), message: problems.joined(separator: "; "))
        }
        let store = try warden.createStore(name: (folder as NSString).lastPathComponent).id
        _ = try warden.writeModel(model, store: store)
        var tuples: [RelationshipTuple] = []
        for tupleFile in file.tuples { tuples += try TupleFile.load(path: path(tupleFile)) }
        try warden.importTuples(tuples, store: store)
        try warden.importTenant(tenant)

        var results: [Result] = []
        for scenario in file.cases {
            let (decision, tokenLine) = try await decide(scenario, warden: warden, tenant: tenant, bindings: bindings, store: store, now: now)
            let passed = decision.allowed == scenario.expectAllowed && decision.decidedBy.rawValue == scenario.expectedLayer
            var narrative = "\(scenario.name)\n  \(tokenLine)\n" + decision.summary.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n")
            if !passed {
                narrative += "\n  expected \(scenario.expectAllowed ? "allowed" : "denied") by the \(scenario.expectedLayer) layer"
            }
            results.append(Result(folder: folder, name: scenario.name, passed: passed, narrative: narrative))
        }
        return results
    }

    private func decide(
        _ scenario: ScenarioFile.Case, warden: Warden, tenant: Directory, bindings: PermissionBindings, store: String, now: Date
    ) async throws -> (AuthorizationDecision, String) {
        let request = GrantRequest(
            user: scenario.user, clientID: scenario.client ?? scenario.application, audience: bindings.audience,
            requestedScopes: GrantRequest.scopes(scenario.scopes))
        let object = try ObjectRef(parsing: scenario.object)
        let who = scenario.user.map { "user \($0) via \(scenario.application)" } ?? "client \(scenario.client ?? "")"
        let grant: Grant
        do {
            grant = try tenant.grant(request)
        } catch {
            // No token is issued: the token layer decides before any relationship is read.
            let decision = AuthorizationDecision(
                allowed: false, decidedBy: .token,
                token: .init(invalidToken: nil, hasPermission: false, scopes: [], sources: []), relationship: nil)
            return (decision, "token request by \(who) for [\(scenario.scopes ?? "")]: refused, \(error)")
        }
        let ring = try warden.keyRing()
        let issuer = TokenIssuer(issuer: Warden.defaultIssuer, keyRing: ring)
        var claims = issuer.claims(for: grant, clientID: request.clientID, api: tenant.resourceServer(bindings.audience)!, now: now)
        switch scenario.brokenToken {
        case .expired:
            claims.iat -= 2 * 86_400
            claims.exp = claims.iat + 3600
        case .wrongAudience:
            claims.aud = ["https://some-other-api.example"]
        default:
            break
        }
        var token = try await issuer.sign(claims)
        if scenario.brokenToken == .tampered {
            var parts = token.split(separator: ".").map(String.init)
            var payload = Array(parts[1])
            let middle = payload.count / 2
            payload[middle] = payload[middle] == "A" ? "B" : "A"
            parts[1] = String(payload)
            token = parts.joined(separator: ".")
        }
        let decision = try await warden.authorize(
            token: token, permission: scenario.permission, object: object, store: store, bindings: bindings,
            context: scenario.context, explain: true, now: now)
        let broken = scenario.brokenToken.map { " (then made \($0.rawValue))" } ?? ""
        return (decision, "token for \(who): scope \"\(grant.scope)\"\(broken); asks \(scenario.permission) on \(object)")
    }
}

import Foundation
import WardenEngine
import WardenModel
import WardenScopes

/// Why `authorize` could not give a decision at all (as opposed to denying): the request is malformed.
public struct AuthorizeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension Warden {
    /// The one place the two layers meet: may the holder of `token` use `permission` on `object`?
    ///
    /// The token layer runs first and costs a set lookup (after verification, which a repeated token skips through
    /// the verified-token cache); the relationship layer runs only when the token carries the permission, and
    /// checks the permission's bound relation for the token's subject (`user:<sub>`, or `client:<client_id>` for
    /// a machine token).
    /// - Throws: ``AuthorizeError`` when the permission has no binding or the object is not of the bound type;
    ///   store and check errors (never a silent "no").
    public func authorize(
        token: String, permission: String, object: ObjectRef, store: String, bindings: PermissionBindings,
        context: JSONValue? = nil, explain: Bool = false, now: Date = Date()
    ) async throws -> AuthorizationDecision {
        let claims: AccessTokenClaims
        if let cached = tokenState.cache.claims(for: token, audience: bindings.audience, now: now) {
            claims = cached
        } else {
            let verifier = try tokenVerifier()
            do throws(TokenError) {
                claims = try await verifier.verify(token, audience: bindings.audience, now: now)
            } catch {
                return AuthorizationDecision(
                    allowed: false, decidedBy: .token,
                    token: .init(invalidToken: error, hasPermission: false, scopes: [], sources: []), relationship: nil)
            }
            tokenState.cache.store(claims, for: token, audience: bindings.audience)
        }
        return try authorize(claims: claims, permission: permission, object: object, store: store, bindings: bindings, context: context, explain: explain)
    }

    /// `authorize` for claims already verified (tests, or a service that verified the token itself).
    public func authorize(
        claims: AccessTokenClaims, permission: String, object: ObjectRef, store: String, bindings: PermissionBindings,
        context: JSONValue? = nil, explain: Bool = false
    ) throws -> AuthorizationDecision {
        guard let target = bindings.target(for: permission) else {
            throw AuthorizeError(message: "permission '\(permission)' binds to no relation: add it to the bindings file")
        }
        guard target.objectType.bytesEqual(object.type) else {
            throw AuthorizeError(message: "permission '\(permission)' applies to \(target.objectType) objects, not to '\(object)'")
        }
        let scopes = claims.scopes
        // By bytes, as every name: `read:café` written two ways is two permissions.
        let hasPermission = scopes.contains { $0.bytesEqual(permission) }
        let sources = explain ? self.sources(of: permission, in: claims) : []
        let tokenLayer = AuthorizationDecision.TokenLayer(invalidToken: nil, hasPermission: hasPermission, scopes: scopes, sources: sources)
        guard hasPermission else {
            return AuthorizationDecision(allowed: false, decidedBy: .token, token: tokenLayer, relationship: nil)
        }
        let user = try Self.subject(of: claims)
        let result = try check(CheckRequest(user: user, relation: target.relation, object: object, context: context), store: store, explain: explain)
        return AuthorizationDecision(
            allowed: result.allowed, decidedBy: .relationship, token: tokenLayer,
            relationship: .init(user: user, relation: target.relation, object: object, allowed: result.allowed, explanation: result.explanation))
    }

    /// The relationship user a token speaks for: `client:<id>` for a client-credentials token (`<id>@clients`),
    /// else `user:<sub>`.
    public static func subject(of claims: AccessTokenClaims) throws -> UserRef {
        let id: String
        let type: String
        if claims.gty == "client-credentials", claims.sub.hasSuffix("@clients") {
            (type, id) = ("client", String(claims.sub.dropLast("@clients".count)))
        } else {
            (type, id) = ("user", claims.sub)
        }
        guard ObjectRef.isValidID(id) else {
            throw AuthorizeError(message: "the token's subject '\(claims.sub)' cannot name a \(type) (ids hold no whitespace, '#', ':' or ',')")
        }
        return .object(ObjectRef(type: type, id: id))
    }

    /// What put `permission` into the token, recomputed from the stored tenant (empty without one).
    private func sources(of permission: String, in claims: AccessTokenClaims) -> [String] {
        guard let tenant = try? tenant(), let audience = claims.aud.first else { return [] }
        let machine = claims.gty == "client-credentials"
        let request = GrantRequest(user: machine ? nil : claims.sub, clientID: claims.azp, audience: audience, requestedScopes: claims.scopes)
        guard let grant = try? tenant.grant(request) else { return [] }
        for decision in grant.decisions where decision.scope == permission {
            if case .granted(let sources) = decision.reason { return sources }
        }
        return []
    }

    /// The verifier for this data directory's keys, built once (and again after a rotation).
    func tokenVerifier() throws -> TokenVerifier {
        if let verifier = tokenState.lock.withLock({ tokenState.verifier }) { return verifier }
        let verifier = TokenVerifier(issuer: Self.defaultIssuer, keyRing: try keyRing())
        tokenState.lock.withLock { tokenState.verifier = verifier }
        return verifier
    }

    /// Mints a token for `request` with this data directory's keys (the tenant: the stored one unless given).
    /// - Throws: ``GrantRefusal`` when the request is refused, and key or tenant errors.
    public func mintToken(for request: GrantRequest, tenant given: Directory? = nil, now: Date = Date()) async throws -> String {
        guard let tenant = try given ?? tenant() else { throw AuthorizeError(message: "no tenant: import one first") }
        let grant = try tenant.grant(request)
        guard let api = tenant.resourceServer(request.audience) else { throw AuthorizeError(message: "unknown audience") }
        let issuer = TokenIssuer(issuer: Self.defaultIssuer, keyRing: try keyRing())
        return try await issuer.sign(issuer.claims(for: grant, clientID: request.clientID, api: api, now: now))
    }
}

/// The token layer's per-process state: the verifier for the current keys, and the verified-token cache.
final class TokenState: @unchecked Sendable {
    let lock = NSLock()
    var verifier: TokenVerifier?
    let cache = VerifiedTokenCache()
}

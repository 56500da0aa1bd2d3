import Foundation
import JWTKit

/// Mints signed access tokens (RS256) for a ``Grant``, with Auth0's claim set. Takes an injectable clock.
public struct TokenIssuer: Sendable {
    /// The `iss` claim, e.g. `https://warden.local/`.
    public var issuer: String
    public var keyRing: KeyRing

    public init(issuer: String, keyRing: KeyRing) {
        self.issuer = issuer
        self.keyRing = keyRing
    }

    /// The claims a token for `grant` carries.
    public func claims(for grant: Grant, clientID: String, api: ResourceServer, now: Date = Date()) -> AccessTokenClaims {
        let issuedAt = Int(now.timeIntervalSince1970)
        return AccessTokenClaims(
            iss: issuer, sub: grant.subject, aud: [api.identifier], iat: issuedAt, exp: issuedAt + api.tokenLifetime,
            azp: clientID, scope: grant.scopes.isEmpty ? nil : grant.scope, permissions: grant.permissions,
            gty: grant.isClientCredentials ? "client-credentials" : nil)
    }

    /// Signs `claims` with the active key.
    /// - Throws: ``TokenError`` `.signingFailed`.
    public func sign(_ claims: AccessTokenClaims) async throws(TokenError) -> String {
        guard let key = keyRing.active else { throw TokenError(.signingFailed, "the key ring has no active key") }
        do {
            let keys = JWTKeyCollection()
            await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: key.privateKeyPEM), digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.id))
            return try await keys.sign(claims, kid: JWKIdentifier(string: key.id))
        } catch {
            throw TokenError(.signingFailed, "signing failed: \(error)")
        }
    }
}

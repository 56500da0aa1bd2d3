import Foundation
import JWTKit

/// Verifies access tokens for a service: RS256 only (no `none`, no HS/RS confusion), a known `kid`, the signature,
/// the issuer, the audience, `exp` and `nbf` with leeway, and required scopes — each failure its own error.
public struct TokenVerifier: Sendable {
    public var issuer: String
    public var keyRing: KeyRing
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    public var leeway: TimeInterval

    public init(issuer: String, keyRing: KeyRing, leeway: TimeInterval = 60) {
        self.issuer = issuer
        self.keyRing = keyRing
        self.leeway = leeway
    }

    /// Verifies `token` for `audience`, requiring `requiredScopes`.
    /// - Throws: ``TokenError`` naming the check that failed.
    public func verify(
        _ token: String, audience: String, requiredScopes: [String] = [], now: Date = Date()
    ) async throws(TokenError) -> AccessTokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Data(base64URL: String(parts[0])),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any]
        else { throw TokenError(.malformed, "the token is not a JWT (three base64url parts with a JSON header)") }
        let algorithm = header["alg"] as? String ?? "(none)"
        guard algorithm == "RS256" else {
            throw TokenError(.algorithmNotAllowed, "algorithm '\(algorithm)' is not allowed; tokens are signed with RS256")
        }
        guard let kid = header["kid"] as? String, let key = keyRing.verifying(at: now).first(where: { $0.id == kid }) else {
            throw TokenError(.unknownKey, "the token's key id is not one of the current signing keys")
        }
        let claims: AccessTokenClaims
        do {
            let keys = JWTKeyCollection()
            await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: key.privateKeyPEM).publicKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw TokenError(.badSignature, "the signature does not match the token")
        } catch {
            throw TokenError(.malformed, "the token cannot be decoded: \(error)")
        }
        guard claims.iss == issuer else { throw TokenError(.wrongIssuer, "the token was issued by '\(claims.iss)', not '\(issuer)'") }
        guard claims.aud.contains(audience) else {
            throw TokenError(.wrongAudience, "the token is for \(claims.aud.joined(separator: ", ")), not '\(audience)'")
        }
        let time = now.timeIntervalSince1970
        guard Double(claims.exp) + leeway > time else { throw TokenError(.expired, "the token expired") }
        if let notBefore = claims.nbf, Double(notBefore) - leeway > time {
            throw TokenError(.notYetValid, "the token is not valid yet")
        }
        let missing = requiredScopes.filter { !claims.scopes.contains($0) }
        guard missing.isEmpty else {
            throw TokenError(.missingScopes, "the token lacks the scopes \(missing.joined(separator: " "))")
        }
        return claims
    }
}

extension Data {
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}

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
        guard token.utf8.count <= 16_384, parts.count == 3, parts.allSatisfy({ Data.isCanonicalBase64URL($0) }),
            let headerData = Data(base64URL: String(parts[0])),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any]
        else {
            throw TokenError(.malformed, "the token is not a JWT (three unpadded, canonical base64url parts with a JSON header)")
        }
        // RFC 7515 §4.1.11: a header that names extensions the recipient does not understand must be rejected.
        if header["crit"] != nil {
            throw TokenError(.malformed, "the token requires header extensions (crit) that Warden does not implement")
        }
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
            // The library's own words stay out: they name its internals, not the token's problem.
            throw TokenError(.malformed, "the token's claims cannot be read (a claim is missing or has the wrong type)")
        }
        guard claims.iss == issuer else { throw TokenError(.wrongIssuer, "the token was issued by '\(claims.iss)', not '\(issuer)'") }
        guard claims.aud.contains(audience) else {
            let holder = claims.aud.isEmpty ? "no audience" : claims.aud.map { "'\($0)'" }.joined(separator: ", ")
            throw TokenError(.wrongAudience, "the token is for \(holder), not '\(audience)'")
        }
        let time = now.timeIntervalSince1970
        guard Double(claims.iat) - leeway <= time else {
            throw TokenError(.notYetValid, "the token claims to be issued in the future")
        }
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
    /// Whether `part` is base64url as JWS writes it: the URL-safe alphabet, no padding, and no stray bits in the
    /// last character (so one token has one spelling; a re-encoded signature is not the same token).
    static func isCanonicalBase64URL(_ part: Substring) -> Bool {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var values: [UInt8] = []
        for byte in part.utf8 {
            guard let index = alphabet.firstIndex(of: byte) else { return false }
            values.append(UInt8(index))
        }
        switch values.count % 4 {
        case 1: return false
        case 2: return values.last.map { $0 & 0x0F == 0 } ?? true
        case 3: return values.last.map { $0 & 0x03 == 0 } ?? true
        default: return true
        }
    }

    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}

import Foundation
import Testing
import WardenScopes

/// Signed tokens: round trip, and each way a token can be wrong rejected with its own error.
@Suite("Tokens")
struct TokenTests {
    static let issuer = "https://warden.test/"
    static let api = ResourceServer(identifier: "https://api.example", name: "API", permissions: [Permission(value: "read:a")], tokenLifetime: 600)
    static let ring = try! KeyRing.generate()
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func token(_ claims: AccessTokenClaims? = nil) async throws -> String {
        let issuer = TokenIssuer(issuer: Self.issuer, keyRing: ring)
        let grant = Grant(scopes: ["read:a"], permissions: ["read:a"], decisions: [], subject: "auth0|anne", isClientCredentials: false)
        return try await issuer.sign(claims ?? issuer.claims(for: grant, clientID: "app", api: api, now: now))
    }

    static func failure(_ token: String, audience: String = api.identifier, scopes: [String] = [], at time: Date = now) async -> TokenError.Code? {
        do {
            _ = try await TokenVerifier(issuer: issuer, keyRing: ring).verify(token, audience: audience, requiredScopes: scopes, now: time)
            return nil
        } catch {
            return error.code
        }
    }

    static func segment(_ json: String) -> String {
        Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test("a minted token verifies and carries Auth0's claims")
    func roundTrip() async throws {
        let token = try await Self.token()
        let claims = try await TokenVerifier(issuer: Self.issuer, keyRing: Self.ring).verify(token, audience: Self.api.identifier, requiredScopes: ["read:a"], now: Self.now)
        #expect(claims.sub == "auth0|anne")
        #expect(claims.scope == "read:a")
        #expect(claims.permissions == ["read:a"])
        #expect(claims.azp == "app")
        #expect(claims.exp - claims.iat == 600)
        #expect(claims.gty == nil)
    }

    @Test("each tampering or mismatch is rejected with its own error")
    func rejections() async throws {
        let token = try await Self.token()
        let parts = token.split(separator: ".").map(String.init)
        // A different payload under the original signature.
        let forged = "\(parts[0]).\(Self.segment(#"{"iss":"https://warden.test/","sub":"auth0|mallory","aud":"https://api.example","iat":1800000000,"exp":1800000600,"azp":"app","scope":"read:a"}"#)).\(parts[2])"
        #expect(await Self.failure(forged) == .badSignature)
        // A middle character of the signature changed (the last may only touch base64 padding bits).
        var signature = Array(parts[2])
        let middle = signature.count / 2
        signature[middle] = signature[middle] == "A" ? "B" : "A"
        #expect(await Self.failure("\(parts[0]).\(parts[1]).\(String(signature))") == .badSignature)
        #expect(await Self.failure(token, audience: "https://other.example") == .wrongAudience)
        #expect(await Self.failure(token, at: Self.now.addingTimeInterval(3600)) == .expired)
        #expect(await Self.failure(token, scopes: ["write:a"]) == .missingScopes)
        #expect(await Self.failure("\(Self.segment(#"{"alg":"none","typ":"JWT"}"#)).\(parts[1])." ) == .algorithmNotAllowed)
        #expect(await Self.failure("not a token") == .malformed)
        let other = try KeyRing.generate()
        let foreign = try await TokenIssuer(issuer: Self.issuer, keyRing: other).sign(
            TokenIssuer(issuer: Self.issuer, keyRing: other).claims(
                for: Grant(scopes: [], permissions: nil, decisions: [], subject: "x", isClientCredentials: true), clientID: "x", api: Self.api, now: Self.now))
        #expect(await Self.failure(foreign) == .unknownKey)
        let wrongIssuer = try await TokenIssuer(issuer: "https://evil.test/", keyRing: Self.ring).sign(
            TokenIssuer(issuer: "https://evil.test/", keyRing: Self.ring).claims(
                for: Grant(scopes: [], permissions: nil, decisions: [], subject: "x", isClientCredentials: false), clientID: "x", api: Self.api, now: Self.now))
        #expect(await Self.failure(wrongIssuer) == .wrongIssuer)
    }

    @Test("HS256 signed with the public key is refused (no algorithm confusion)")
    func algorithmConfusion() async throws {
        let token = try await Self.token()
        let parts = token.split(separator: ".").map(String.init)
        let header = Self.segment(#"{"alg":"HS256","typ":"JWT","kid":"\#(Self.ring.active!.id)"}"#)
        #expect(await Self.failure("\(header).\(parts[1]).\(parts[2])") == .algorithmNotAllowed)
    }

    @Test("rotation: the old key verifies during the overlap, then not; JWKS lists the verifying keys")
    func rotation() async throws {
        var ring = Self.ring
        let old = try await Self.token()
        try ring.rotate(overlap: 3600, now: Self.now)
        let verifier = TokenVerifier(issuer: Self.issuer, keyRing: ring)
        _ = try await verifier.verify(old, audience: Self.api.identifier, now: Self.now.addingTimeInterval(60))
        #expect(ring.verifying(at: Self.now.addingTimeInterval(60)).count == 2)
        #expect(ring.verifying(at: Self.now.addingTimeInterval(7200)).count == 1)
        let jwks = try JSONSerialization.jsonObject(with: Data(try ring.jwks(at: Self.now).utf8)) as? [String: [[String: String]]]
        #expect(jwks?["keys"]?.map { $0["kid"] ?? "" } == ring.keys.map(\.id))
        #expect(jwks?["keys"]?.allSatisfy { $0["kty"] == "RSA" && $0["alg"] == "RS256" && $0["n"] != nil } == true)
    }

    @Test("finding 9: padded or non-canonical base64url, an unknown crit header and an iat in the future are refused")
    func strictTokens() async throws {
        let token = try await Self.token()
        let parts = token.split(separator: ".").map(String.init)
        #expect(await Self.failure("\(parts[0]).\(parts[1]).\(parts[2])==") == .malformed)
        // The last character's unused bits set: the same bytes, another spelling.
        var signature = Array(parts[2])
        if let last = signature.last, let index = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_").firstIndex(of: last),
            parts[2].count % 4 != 0
        {
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            signature[signature.count - 1] = alphabet[index | 1]
            if signature.last != last { #expect(await Self.failure("\(parts[0]).\(parts[1]).\(String(signature))") == .malformed) }
        }
        let critical = Self.segment(#"{"alg":"RS256","typ":"JWT","kid":"x","crit":["exp"]}"#)
        #expect(await Self.failure("\(critical).\(parts[1]).\(parts[2])") == .malformed)
        #expect(await Self.failure(token, at: Self.now.addingTimeInterval(-3600)) == .notYetValid)
    }

    @Test("finding 9: an empty audience list and undecodable claims are described in our words")
    func ownWords() async throws {
        let issuer = TokenIssuer(issuer: Self.issuer, keyRing: Self.ring)
        let claims = AccessTokenClaims(
            iss: Self.issuer, sub: "auth0|anne", aud: [], iat: 1_800_000_000, exp: 1_800_000_600, azp: "app", scope: nil,
            permissions: nil, gty: nil)
        let token = try await issuer.sign(claims)
        do {
            _ = try await TokenVerifier(issuer: Self.issuer, keyRing: Self.ring).verify(token, audience: Self.api.identifier, now: Self.now)
            Issue.record("an empty audience must not verify")
        } catch {
            #expect(error.message == "the token is for no audience, not 'https://api.example'")
        }
    }
}

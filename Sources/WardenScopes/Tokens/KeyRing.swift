import CryptoExtras
import Foundation
import JWTKit

/// The RSA signing keys of a tenant: one active key signs, and keys retired by a rotation keep verifying until
/// their overlap window ends. A Codable value, persisted by its owner (the data directory).
public struct KeyRing: Codable, Hashable, Sendable {
    /// One RS256 key.
    public struct SigningKey: Codable, Hashable, Sendable {
        /// The `kid` header of tokens it signs.
        public var id: String
        /// PKCS#8 PEM of the private key.
        public var privateKeyPEM: String
        public var createdAt: Date
        /// When it stops verifying (set when a newer key replaces it); nil while active.
        public var retiresAt: Date?
    }

    public private(set) var keys: [SigningKey]

    /// A ring with one fresh 2048-bit key.
    public static func generate(now: Date = Date()) throws -> KeyRing {
        KeyRing(keys: [try newKey(now: now)])
    }

    private static func newKey(now: Date) throws -> SigningKey {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let id = SHA256.hash(data: key.publicKey.derRepresentation).prefix(12).map { String(format: "%02x", $0) }.joined()
        return SigningKey(id: id, privateKeyPEM: key.pemRepresentation, createdAt: now, retiresAt: nil)
    }

    /// The key that signs new tokens.
    public var active: SigningKey? { keys.last { $0.retiresAt == nil } }

    /// Adds a new active key; the previous one keeps verifying for `overlap`, and keys past their window are
    /// dropped.
    /// The longest overlap a retired key may keep verifying: 30 days, the longest token lifetime.
    public static let maximumOverlap: TimeInterval = 2_592_000

    /// - Throws: ``TokenError`` `.signingFailed` when `overlap` is negative, not finite or past
    ///   ``maximumOverlap`` (an old key must not verify forever).
    public mutating func rotate(overlap: TimeInterval = 86_400, now: Date = Date()) throws {
        guard overlap.isFinite, overlap >= 0, overlap <= Self.maximumOverlap else {
            throw TokenError(.signingFailed, "the overlap must be between 0 and \(Int(Self.maximumOverlap)) seconds (30 days)")
        }
        keys.removeAll { $0.retiresAt.map { $0 <= now } ?? false }
        for index in keys.indices where keys[index].retiresAt == nil { keys[index].retiresAt = now.addingTimeInterval(overlap) }
        keys.append(try Self.newKey(now: now))
    }

    /// Keys that still verify at `now`.
    public func verifying(at now: Date = Date()) -> [SigningKey] {
        keys.filter { $0.retiresAt.map { $0 > now } ?? true }
    }

    /// The JWKS document (public keys that still verify), as `/.well-known/jwks.json` serves it.
    public func jwks(at now: Date = Date()) throws -> String {
        let entries = try verifying(at: now).map { key -> [String: String] in
            let publicKey = try Insecure.RSA.PrivateKey(pem: key.privateKeyPEM).publicKey
            let primitives = try publicKey.getKeyPrimitives()
            return [
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": key.id,
                "n": primitives.modulus.base64URLEncodedString(), "e": primitives.publicExponent.base64URLEncodedString(),
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: ["keys": entries], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

extension Data {
    func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

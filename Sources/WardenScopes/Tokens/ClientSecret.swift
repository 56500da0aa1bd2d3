import Crypto

/// Client secrets, which the tenant keeps only as SHA-256 hex digests, and equality that takes the same time
/// wherever two byte strings differ (for secrets and API keys).
public enum ClientSecret {
    /// The hex SHA-256 of `secret`, as a tenant file's `client_secret_hash` holds it
    /// (`printf %s SECRET | sha256sum`).
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }

    /// Whether `secret` is the one `application` was registered with. An application without a stored hash has
    /// no secret, and so never authenticates.
    public static func verifies(_ secret: String, for application: Application?) -> Bool {
        // Hash even for an unknown client, so the answer takes as long either way.
        let presented = Array(hash(secret).utf8)
        guard let stored = application?.secretHash?.lowercased() else {
            _ = constantTimeEqual(presented, presented)
            return false
        }
        return constantTimeEqual(Array(stored.utf8), presented)
    }

    /// Equality whose time depends only on the lengths, not on the contents.
    public static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && left.count == right.count
    }
}

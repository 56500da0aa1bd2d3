import Foundation
import WardenScopes

/// Tokens already verified, so a service presenting the same token again pays a dictionary lookup instead of an
/// RS256 verification. Bounded; an entry is used only while its token has not expired. Keys are the whole token
/// (Swift's seeded hashing, exact comparison), so no crafted token can collide with a verified one.
///
/// `Sendable`; one per ``Warden``.
final class VerifiedTokenCache: @unchecked Sendable {
    private struct Key: Hashable {
        var token: String
        var audience: String
    }

    private let lock = NSLock()
    private var entries: [Key: AccessTokenClaims] = [:]
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func claims(for token: String, audience: String, now: Date) -> AccessTokenClaims? {
        let key = Key(token: token, audience: audience)
        return lock.withLock {
            guard let claims = entries[key] else { return nil }
            guard Double(claims.exp) > now.timeIntervalSince1970 else {
                entries[key] = nil
                return nil
            }
            return claims
        }
    }

    func store(_ claims: AccessTokenClaims, for token: String, audience: String) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(token: token, audience: audience)] = claims
        }
    }

    func removeAll() {
        lock.withLock { entries.removeAll() }
    }
}

import Foundation
import WardenScopes
import WardenStore

extension Warden {
    /// The issuer (`iss`) of the tokens this data directory mints.
    public static let defaultIssuer = "https://warden.local/"

    /// Replaces the stored tenant directory (kept as tenant YAML in the data directory).
    public func importTenant(_ directory: Directory) throws {
        try tuples.putDocument(Array(TenantFile.export(directory).utf8), named: "tenant")
    }

    /// The stored tenant directory, or nil when none was imported.
    /// - Throws: ``TenantFile/Failure`` if the stored document no longer parses.
    public func tenant() throws -> Directory? {
        guard let bytes = try tuples.document(named: "tenant") else { return nil }
        return try TenantFile.parse(String(decoding: bytes, as: UTF8.self), file: "stored tenant")
    }

    /// The signing keys, generated (and stored) on first use.
    public func keyRing() throws -> KeyRing {
        if let bytes = try tuples.document(named: "signing-keys") {
            return try JSONDecoder().decode(KeyRing.self, from: Data(bytes))
        }
        let ring = try KeyRing.generate()
        try saveKeyRing(ring)
        return ring
    }

    /// Starts signing with a new key; the previous one keeps verifying for `overlap` seconds.
    public func rotateKeys(overlap: TimeInterval = 86_400) throws -> KeyRing {
        var ring = try keyRing()
        try ring.rotate(overlap: overlap)
        try saveKeyRing(ring)
        // Tokens verified with the old keys are verified again: a key retired without overlap stops them now.
        tokenState.lock.withLock { tokenState.verifier = nil }
        tokenState.cache.removeAll()
        return ring
    }

    private func saveKeyRing(_ ring: KeyRing) throws {
        try tuples.putDocument(Array(try JSONEncoder().encode(ring)), named: "signing-keys")
    }
}

import Foundation
import WardenScopes
import WardenStore

extension Warden {
    /// The issuer (`iss`) of the tokens this data directory mints.
    public static let defaultIssuer = "https://warden.local/"

    /// Replaces the stored tenant directory (kept as tenant YAML in the data directory).
    public func importTenant(_ directory: Directory) throws {
        try documents.putDocument(Array(TenantFile.export(directory).utf8), named: "tenant")
    }

    /// The stored tenant directory, or nil when none was imported.
    /// - Throws: ``TenantFile/Failure`` if the stored document no longer parses.
    public func tenant() throws -> Directory? {
        guard let bytes = try documents.document(named: "tenant") else { return nil }
        return try TenantFile.parse(String(decoding: bytes, as: UTF8.self), file: "stored tenant")
    }

    /// The signing keys, generated (and stored) on first use. Creation happens inside one write transaction, so
    /// two processes minting their first token at once end up with one key ring, never two. With a key
    /// passphrase they are stored encrypted, and a plain ring left from before is sealed now.
    /// - Throws: ``KeyRingSealing/Failure`` when the keys are encrypted and no passphrase (or a wrong one) is set.
    public func keyRing() throws -> KeyRing {
        if let bytes = try documents.document(named: "signing-keys") {
            let needsSealing = keySealing != nil && !KeyRingSealing.isSealed(bytes)
            if !needsSealing { return try decodeRing(bytes) }
        }
        let stored = try documents.updateDocument(named: "signing-keys") { existing throws(StoreError) in
            if let existing {
                guard keySealing != nil, !KeyRingSealing.isSealed(existing) else { return existing }
                return try encoded { try decodeRing(existing) }
            }
            return try encoded { try KeyRing.generate() }
        }
        return try decodeRing(stored)
    }

    /// Starts signing with a new key; the previous one keeps verifying for `overlap` seconds. Read and rewrite
    /// happen in one write transaction, so a concurrent rotation is never lost.
    public func rotateKeys(overlap: TimeInterval = 86_400) throws -> KeyRing {
        _ = try keyRing()
        let stored = try documents.updateDocument(named: "signing-keys") { existing throws(StoreError) in
            try encoded {
                var ring = try decodeRing(existing ?? [])
                try ring.rotate(overlap: overlap)
                return ring
            }
        }
        let ring = try decodeRing(stored)
        // Tokens verified with the old keys are verified again: a key retired without overlap stops them now.
        tokenState.lock.withLock { tokenState.verifier = nil }
        tokenState.cache.removeAll()
        return ring
    }

    /// The key ring in stored bytes, opened with the passphrase when sealed.
    private func decodeRing(_ stored: [UInt8]) throws -> KeyRing {
        if KeyRingSealing.isSealed(stored), keySealing == nil {
            throw KeyRingSealing.Failure(
                description: "the signing keys are encrypted: set WARDEN_KEY_PASSPHRASE (or WARDEN_KEY_PASSPHRASE_FILE)")
        }
        let plain = try keySealing?.open(stored) ?? stored
        return try JSONDecoder().decode(KeyRing.self, from: Data(plain))
    }

    /// The key ring `make` builds, as stored bytes (sealed when a passphrase is set); any failure becomes a store
    /// error so the transaction aborts.
    private func encoded(_ make: () throws -> KeyRing) throws(StoreError) -> [UInt8] {
        do {
            let plain = Array(try JSONEncoder().encode(try make()))
            return try keySealing?.seal(plain) ?? plain
        } catch {
            throw StoreError(.storage, "cannot store the signing keys: \(error)")
        }
    }
}

import CryptoExtras
import Foundation

/// Encrypts the signing keys at rest with a passphrase: scrypt (N 2^15, r 8, p 1) derives an AES-256-GCM key
/// from the passphrase and a random salt; each sealing has a fresh salt and nonce. A stolen data file then
/// yields no signing key without the passphrase.
///
/// The stored form is a JSON envelope, `{"sealed": "warden-keyring-v1", "kdf": "scrypt", …, "ciphertext": …}`;
/// a plain key ring (`{"keys": …}`) is recognised too, so a directory made before a passphrase was set opens,
/// and is sealed on its next write.
public final class KeyRingSealing: @unchecked Sendable {
    /// Why the stored keys could not be opened or sealed.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    static let format = "warden-keyring-v1"
    static let rounds = 1 << 15
    static let blockSize = 8
    static let parallelism = 1

    private let passphrase: [UInt8]
    private let lock = NSLock()
    /// Derived keys by salt: scrypt is deliberately slow, and a process reads the ring many times.
    private var derived: [Data: SymmetricKey] = [:]

    /// - Throws: ``Failure`` for an empty passphrase.
    public init(passphrase: [UInt8]) throws(Failure) {
        guard !passphrase.isEmpty else { throw Failure(description: "the key passphrase is empty") }
        self.passphrase = passphrase
    }

    private struct Envelope: Codable {
        var sealed: String
        var kdf: String
        var n: Int
        var r: Int
        var p: Int
        var salt: Data
        var nonce: Data
        var ciphertext: Data
    }

    /// Whether `stored` is a sealed envelope (rather than a plain key ring).
    public static func isSealed(_ stored: [UInt8]) -> Bool {
        (try? JSONDecoder().decode(Envelope.self, from: Data(stored)))?.sealed == format
    }

    /// The envelope holding `plain`, encrypted under a fresh salt and nonce.
    public func seal(_ plain: [UInt8]) throws(Failure) -> [UInt8] {
        let salt = Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })
        do {
            let box = try AES.GCM.seal(plain, using: try key(salt: salt, n: Self.rounds, r: Self.blockSize, p: Self.parallelism))
            let envelope = Envelope(
                sealed: Self.format, kdf: "scrypt", n: Self.rounds, r: Self.blockSize, p: Self.parallelism, salt: salt,
                nonce: Data(box.nonce), ciphertext: box.ciphertext + box.tag)
            return Array(try JSONEncoder().encode(envelope))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot encrypt the signing keys: \(error)")
        }
    }

    /// The plain key ring inside `stored` (returned unchanged when it was never sealed).
    /// - Throws: ``Failure`` when the passphrase does not open it, or the envelope is damaged.
    public func open(_ stored: [UInt8]) throws(Failure) -> [UInt8] {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(stored)), envelope.sealed == Self.format else {
            return stored
        }
        guard envelope.kdf == "scrypt", (1 << 10)...(1 << 20) ~= envelope.n, envelope.n.nonzeroBitCount == 1,
            (1...32).contains(envelope.r), (1...16).contains(envelope.p), envelope.ciphertext.count >= 16
        else {
            throw Failure(description: "the stored signing keys are damaged (an envelope Warden does not write)")
        }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: envelope.nonce), ciphertext: envelope.ciphertext.dropLast(16),
                tag: envelope.ciphertext.suffix(16))
            return Array(try AES.GCM.open(box, using: try key(salt: envelope.salt, n: envelope.n, r: envelope.r, p: envelope.p)))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "the key passphrase does not open the signing keys (wrong passphrase, or damaged keys)")
        }
    }

    private func key(salt: Data, n: Int, r: Int, p: Int) throws -> SymmetricKey {
        if let known = lock.withLock({ derived[salt] }) { return known }
        let key = try KDF.Scrypt.deriveKey(
            from: passphrase, salt: salt, outputByteCount: 32, rounds: n, blockSize: r, parallelism: p)
        lock.withLock { derived[salt] = key }
        return key
    }
}

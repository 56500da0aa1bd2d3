import Foundation

/// Generates ULIDs: 26-character, Crockford base-32, time-ordered ids (48 bits of milliseconds, 80 random bits).
///
/// Ids made by one generator strictly increase, even within one millisecond (the random part is incremented),
/// so "newest first" is "greatest id first".
public final class ULIDGenerator: @unchecked Sendable {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private let lock = NSLock()
    private var lastTime: UInt64 = 0
    private var lastRandom: (high: UInt16, low: UInt64) = (0, 0)

    public init() {}

    /// The next id; `now` is injectable for tests.
    public func next(now: Date = Date()) -> String {
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let (time, random) = lock.withLock { () -> (UInt64, (UInt16, UInt64)) in
            if milliseconds > lastTime {
                lastTime = milliseconds
                var generator = SystemRandomNumberGenerator()
                lastRandom = (UInt16.random(in: 0...UInt16.max, using: &generator) & 0xFFFF, generator.next())
            } else {
                // Same (or an earlier) millisecond: keep the time and count up, so ids still increase.
                let (low, overflow) = lastRandom.low.addingReportingOverflow(1)
                lastRandom = (overflow ? lastRandom.high &+ 1 : lastRandom.high, low)
            }
            return (lastTime, lastRandom)
        }
        return Self.encode(time: time, high: random.0, low: random.1)
    }

    static func encode(time: UInt64, high: UInt16, low: UInt64) -> String {
        var characters = [UInt8](repeating: 0, count: 26)
        var value = time
        for index in stride(from: 9, through: 0, by: -1) {
            characters[index] = alphabet[Int(value & 31)]
            value >>= 5
        }
        // 80 random bits: high 16 then low 64, as 16 characters of 5 bits.
        var bits = (high: UInt64(high), low: low)
        for index in stride(from: 25, through: 10, by: -1) {
            characters[index] = alphabet[Int(bits.low & 31)]
            bits.low = (bits.low >> 5) | ((bits.high & 31) << 59)
            bits.high >>= 5
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether `text` has a ULID's shape (26 Crockford base-32 characters, first at most '7').
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 26 && bytes.allSatisfy { alphabet.contains($0) } && bytes[0] <= UInt8(ascii: "7")
    }
}

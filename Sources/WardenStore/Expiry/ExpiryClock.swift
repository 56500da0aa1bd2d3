import Foundation

/// The time a store decides expiry by: the system clock, unless a test sets it. One per store instance
/// (``SnapshotFactory/clock``); every snapshot reads it once, when opened.
public final class ExpiryClock: @unchecked Sendable {
    private let lock = NSLock()
    private var fixed: UInt64?

    public init() {}

    /// Milliseconds since 1970: the set instant, or the system clock's.
    public var nowMilliseconds: UInt64 {
        if let fixed = lock.withLock({ fixed }) { return fixed }
        return Self.systemMilliseconds
    }

    /// The system clock, in milliseconds since 1970.
    public static var systemMilliseconds: UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// ``nowMilliseconds`` as a date.
    public var now: Date { Date(timeIntervalSince1970: Double(nowMilliseconds) / 1000) }

    /// Stops the clock at `milliseconds` (nil: follow the system clock again).
    public func set(milliseconds: UInt64?) {
        lock.withLock { fixed = milliseconds }
    }
}

import Foundation
import Synchronization

/// The time a store decides expiry by: the system clock, unless a test sets it. One per store instance
/// (``SnapshotFactory/clock``); every snapshot reads it once, when opened, so it costs no lock: a set instant is
/// one atomic word.
public final class ExpiryClock: Sendable {
    /// The set instant plus one; 0 while the clock follows the system clock.
    private let fixed = Atomic<UInt64>(0)

    public init() {}

    /// Milliseconds since 1970: the set instant, or the system clock's.
    @inline(__always)
    public var nowMilliseconds: UInt64 {
        let set = fixed.load(ordering: .relaxed)
        return set == 0 ? Self.systemMilliseconds : set - 1
    }

    /// ``nowMilliseconds`` as a date.
    public var now: Date { Date(timeIntervalSince1970: Double(nowMilliseconds) / 1000) }

    /// The system clock, in milliseconds since 1970 (`CLOCK_REALTIME`, no Foundation object made).
    @inline(__always)
    public static var systemMilliseconds: UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(max(0, time.tv_sec)) &* 1000 &+ UInt64(max(0, time.tv_nsec)) / 1_000_000
    }

    /// Stops the clock at `milliseconds` (nil: follow the system clock again).
    public func set(milliseconds: UInt64?) {
        fixed.store(milliseconds.map { $0 &+ 1 } ?? 0, ordering: .relaxed)
    }
}

import Foundation
import WardenModel

/// Time since this process started, as a stopwatch started with the command would read it: rates a user times
/// (`tuple import`) are computed from it, not from when the work began.
enum ProcessClock {
    /// Seconds since the process started: from the kernel's start time (`/proc/self/stat`, field 22, in clock
    /// ticks since boot) against the boot clock; where that is unavailable, since this type was first used.
    static func secondsSinceStart() -> Double {
        if let started = kernelStartTime() {
            var now = timespec()
            clock_gettime(CLOCK_BOOTTIME, &now)
            let uptime = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
            return max(uptime - started, 0)
        }
        let elapsed = ContinuousClock.now - fallbackStart
        return elapsed.inSeconds
    }

    private static let fallbackStart = ContinuousClock.now

    /// The process's start, in seconds since boot, from `/proc/self/stat`.
    private static func kernelStartTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may hold spaces) start at field 3; the start time is field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return perSecond > 0 ? ticks / perSecond : nil
    }
}

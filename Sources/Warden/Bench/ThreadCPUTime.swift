import Foundation
#if canImport(CoreFoundation)
// Where `timespec`'s members are declared on Linux (Foundation re-exports the C type through it).
import CoreFoundation
#endif

/// The processor time the calling thread has run (`CLOCK_THREAD_CPUTIME_ID`), in nanoseconds: what a sender used,
/// apart from the time the machine gave to other threads and processes. Requests per CPU-second then tell code that
/// scales from a machine that did not give a second core.
enum ThreadCPUTime {
    static var nanoseconds: Int64 {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

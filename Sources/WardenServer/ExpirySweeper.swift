import Logging
import NIOPosix
import ServiceLifecycle
import Warden
import WardenStore

/// Deletes expired tuples in the background while `warden serve` runs: every `interval`, each store's tuples whose
/// expiry has passed, as deletes in the changelog (so watchers and `tuple changes` see them). Checks never wait for
/// it: an expired tuple stops counting at its instant whether or not it has been swept.
struct ExpirySweeper: Service {
    let warden: Warden
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let (warden, logger) = (warden, logger)
            // Blocking store work goes to NIO's thread pool, off the cooperative threads.
            _ = try? await NIOThreadPool.singleton.runIfActive { Self.sweep(warden, logger: logger) }
        }
    }

    /// One round: every store's expired tuples deleted as changes, the count logged, and each store that could not be
    /// swept logged as a warning with its error (its tuples still stop counting at their instant; the next round
    /// tries again). Returns how many tuples it deleted.
    @discardableResult
    static func sweep(_ warden: Warden, logger: Logger) -> Int {
        var deleted = 0
        var failures: [String] = []
        do {
            for store in try warden.tuples.listStores() {
                do {
                    deleted += try warden.tuples.sweepExpired(store: store.id).deleted
                } catch {
                    failures.append("store '\(store.id)': \(error)")
                }
            }
        } catch {
            failures.append("listing the stores: \(error)")
        }
        if deleted > 0 { logger.info("swept \(deleted) expired tuple(s)") }
        for failure in failures { logger.warning("expired tuples not swept: \(failure)") }
        return deleted
    }
}

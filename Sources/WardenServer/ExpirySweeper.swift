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
            let warden = warden
            let outcome = try? await NIOThreadPool.singleton.runIfActive { () -> (deleted: Int, failures: [String]) in
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
                return (deleted, failures)
            }
            guard let outcome else { continue }
            if outcome.deleted > 0 { logger.info("swept \(outcome.deleted) expired tuple(s)") }
            // A sweep that fails says so; the tuples still stop counting at their instant, and the next round retries.
            for failure in outcome.failures { logger.warning("expired tuples not swept: \(failure)") }
        }
    }
}

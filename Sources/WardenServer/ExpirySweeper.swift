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
            let swept = try? await NIOThreadPool.singleton.runIfActive { () -> Int in
                var deleted = 0
                for store in (try? warden.tuples.listStores()) ?? [] {
                    deleted += (try? warden.tuples.sweepExpired(store: store.id).deleted) ?? 0
                }
                return deleted
            }
            if let swept, swept > 0 { logger.info("swept \(swept) expired tuple(s)") }
        }
    }
}

import Dispatch
import PostgresNIO
import Synchronization
import WardenStore
import WardenModel

/// Keeps one connection listening on the `warden_version` channel, passing every announced version to a
/// ``VersionPoll``, and opens a new one when that connection drops (a restarted server, a killed backend, a
/// network cut): notifications are an accelerator, never needed for correctness, so while no connection listens
/// the store polls at its interval, and the listener retries in the background until it listens again or is
/// stopped.
final class VersionListener: Sendable {
    static let channel = "warden_version"
    /// The last statement the listening connection runs, so `pg_stat_activity` shows what it is.
    static let probe = "SELECT 'warden: listening on warden_version'"

    private struct State {
        var connection: PostgresConnection?
        var context: PostgresListenContext?
        var stopped = false
        /// Connections opened after the first one dropped.
        var reconnections = 0
    }

    private let pool: PostgresConnectionPool
    private let poll: VersionPoll
    private let retryDelay: Duration
    private let state = Mutex(State())

    /// Listens at once.
    /// - Throws: ``StoreError`` when the first connection cannot be opened.
    init(pool: PostgresConnectionPool, poll: VersionPoll, retryDelay: Duration = .seconds(1)) throws(StoreError) {
        self.pool = pool
        self.poll = poll
        self.retryDelay = retryDelay
        try listen()
    }

    /// Whether a connection is listening now.
    var isListening: Bool { state.withLock { $0.connection != nil } }

    /// How many times a dropped connection has been replaced.
    var reconnections: Int { state.withLock { $0.reconnections } }

    /// Stops listening and closes the connection; no new one is opened.
    func stop() {
        let (connection, context) = state.withLock { state in
            state.stopped = true
            defer { (state.connection, state.context) = (nil, nil) }
            return (state.connection, state.context)
        }
        context?.stop()
        _ = connection?.close() as EventLoopFuture<Void>?
    }

    private func listen() throws(StoreError) {
        let connection = try pool.dedicatedConnection()
        let poll = poll
        let context = connection.addListener(channel: Self.channel) { _, notification in
            guard let version = UInt64(notification.payload) else { return }
            poll.remember(version, at: .now)
        }
        // Queries on a connection run in order: once this one answers, the LISTEN is in effect, and a write that
        // commits from now on is heard. Its text stays in `pg_stat_activity`, naming the connection for operators.
        do {
            _ = try pool.run(PostgresQuery(unsafeSQL: Self.probe), on: connection)
        } catch {
            context.stop()
            _ = connection.close() as EventLoopFuture<Void>
            throw error
        }
        let kept = state.withLock { state in
            guard !state.stopped else { return false }
            (state.connection, state.context) = (connection, context)
            return true
        }
        guard kept else {
            context.stop()
            _ = connection.close() as EventLoopFuture<Void>
            return
        }
        // On an event loop thread: the new connection is opened elsewhere, since opening one waits on that loop.
        connection.closeFuture.whenComplete { [weak self] _ in self?.dropped(connection) }
    }

    private func dropped(_ connection: PostgresConnection) {
        let retry = state.withLock { state in
            guard !state.stopped, state.connection === connection else { return false }
            (state.connection, state.context) = (nil, nil)
            return true
        }
        if retry { scheduleRetry() }
    }

    private func scheduleRetry() {
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(retryDelay.nanoseconds))) { [weak self] in
            guard let self, !self.state.withLock({ $0.stopped }) else { return }
            do {
                try self.listen()
                self.state.withLock { $0.reconnections += 1 }
            } catch {
                self.scheduleRetry()
            }
        }
    }
}

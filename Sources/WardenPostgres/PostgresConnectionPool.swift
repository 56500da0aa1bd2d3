import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import WardenStore

/// A bounded set of PostgreSQL connections for Warden's synchronous store API.
///
/// The read path is synchronous (the engine walks inside one snapshot), so a caller borrows a connection and
/// waits on postgres-nio's futures. The connections run on an event loop group owned by the pool, never one a
/// caller runs on, and no Swift-concurrency task is awaited from a blocked thread: waiting cannot deadlock the
/// cooperative pool, which on a 2-core machine has two threads. postgres-nio's async `PostgresClient` would
/// need exactly that bridge.
final class PostgresConnectionPool: @unchecked Sendable {
    let datastore: PostgresDatastore
    private let configuration: PostgresConnection.Configuration
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0
    private var closed = false

    init(_ datastore: PostgresDatastore) throws(StoreError) {
        self.datastore = datastore
        configuration = try datastore.connectionConfiguration()
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "warden.postgres")
        logger.logLevel = .error
        self.logger = logger
    }

    deinit {
        try? group.syncShutdownGracefully()
    }

    /// Runs `body` with a connection of its own; a connection that broke is dropped, not reused.
    func withConnection<Result>(_ body: (PostgresConnection) throws(StoreError) -> Result) throws(StoreError) -> Result {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Runs `query` on `connection` and waits for all of its rows.
    func run(_ query: PostgresQuery, on connection: PostgresConnection) throws(StoreError) -> PostgresQueryResult {
        do {
            return try connection.query(query, logger: logger).wait()
        } catch {
            throw PostgresFailure.storeError(error, doing: "query")
        }
    }

    /// Closes every connection; later calls fail.
    func close() {
        let connections = condition.withLock { () -> [PostgresConnection] in
            closed = true
            defer { idle = [] }
            return idle
        }
        for connection in connections { try? (connection.close() as EventLoopFuture<Void>).wait() }
    }

    private func checkOut() throws(StoreError) -> PostgresConnection {
        condition.lock()
        while !closed, idle.isEmpty, open >= datastore.maximumConnections { condition.wait() }
        if closed {
            condition.unlock()
            throw StoreError(.storage, "the PostgreSQL datastore \(datastore) is closed")
        }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        open += 1
        nextID += 1
        let id = nextID
        condition.unlock()
        do {
            return try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
        } catch {
            condition.withLock {
                open -= 1
                condition.signal()
            }
            throw PostgresFailure.storeError(error, doing: "connect to \(datastore)")
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        let reusable = !connection.isClosed
        condition.withLock {
            if reusable, !closed { idle.append(connection) } else { open -= 1 }
            condition.signal()
        }
        if !reusable || condition.withLock({ closed }) { _ = connection.close() as EventLoopFuture<Void> }
    }
}

/// Turns postgres-nio's errors (whose descriptions hide the server's message on purpose) into ``StoreError``s
/// that say what the server said.
enum PostgresFailure {
    static func storeError(_ error: any Error, doing what: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let psql = error as? PSQLError else { return StoreError(.storage, "PostgreSQL: cannot \(what): \(error)") }
        if let info = psql.serverInfo {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return StoreError(.storage, "PostgreSQL: cannot \(what): \(info[.message] ?? "error")\(state)")
        }
        let underlying = psql.underlying.map { ": \($0)" } ?? ""
        return StoreError(.storage, "PostgreSQL: cannot \(what): \(psql.code)\(underlying)")
    }

    /// The server's SQLSTATE for `error`, when it came from the server.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

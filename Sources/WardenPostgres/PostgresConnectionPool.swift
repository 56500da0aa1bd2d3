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
    /// Connections not lent out, each with the statement it may still be finishing (a read's `COMMIT`).
    private var idle: [(connection: PostgresConnection, finishing: EventLoopFuture<PostgresQueryResult>?)] = []
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
        defer { checkIn(connection, finishing: nil) }
        return try body(connection)
    }

    /// ``withConnection(_:)`` for a body that ends with a statement nobody needs to wait for (a read-only
    /// transaction's `COMMIT`): the connection goes back to the pool at once, and whoever borrows it next waits for
    /// that statement first, dropping the connection if it failed.
    func withConnection<Result>(
        finishingWith body: (PostgresConnection) throws(StoreError) -> (Result, EventLoopFuture<PostgresQueryResult>)
    ) throws(StoreError) -> Result {
        let connection = try checkOut()
        var finishing: EventLoopFuture<PostgresQueryResult>?
        defer { checkIn(connection, finishing: finishing) }
        let (result, end) = try body(connection)
        finishing = end
        return result
    }

    /// Sends `query` on `connection` without waiting: its result comes later (queries on one connection run in order).
    func send(_ query: PostgresQuery, on connection: PostgresConnection) -> EventLoopFuture<PostgresQueryResult> {
        connection.query(query, logger: logger)
    }

    /// Waits for a statement sent with ``send(_:on:)``.
    func wait(_ sent: EventLoopFuture<PostgresQueryResult>) throws(StoreError) -> PostgresQueryResult {
        do {
            return try sent.wait()
        } catch {
            throw PostgresFailure.storeError(error, doing: "query")
        }
    }

    /// Runs `query` on `connection` and waits for all of its rows.
    func run(_ query: PostgresQuery, on connection: PostgresConnection) throws(StoreError) -> PostgresQueryResult {
        try wait(send(query, on: connection))
    }

    /// Copies `rows` into `table` on `connection` (see ``PostgresCopy/copy(_:into:on:logger:)``).
    func copy(_ rows: ByteBuffer, into table: String, on connection: PostgresConnection) throws(StoreError) -> Bool {
        try PostgresCopy.copy(rows, into: table, on: connection, logger: logger)
    }

    /// A connection outside the pool, for a long-lived job (listening for notifications); the caller closes it.
    func dedicatedConnection() throws(StoreError) -> PostgresConnection {
        let id = condition.withLock { () -> Int in
            nextID += 1
            return nextID
        }
        return try connect(id: id)
    }

    private func connect(id: Int) throws(StoreError) -> PostgresConnection {
        do {
            return try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
        } catch {
            throw PostgresFailure.storeError(error, doing: "connect to \(datastore)")
        }
    }

    /// Closes every connection; later calls fail.
    func close() {
        let connections = condition.withLock { () -> [PostgresConnection] in
            closed = true
            defer { idle = [] }
            return idle.map(\.connection)
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
        if let (connection, finishing) = idle.popLast() {
            condition.unlock()
            guard let finishing else { return connection }
            if (try? finishing.wait()) != nil, !connection.isClosed { return connection }
            // Its last statement failed: the session may be in an unknown state, so it is not reused.
            _ = connection.close() as EventLoopFuture<Void>
            condition.withLock { open -= 1 }
            return try checkOut()
        }
        open += 1
        nextID += 1
        let id = nextID
        condition.unlock()
        do {
            return try connect(id: id)
        } catch {
            condition.withLock {
                open -= 1
                condition.signal()
            }
            throw error
        }
    }

    private func checkIn(_ connection: PostgresConnection, finishing: EventLoopFuture<PostgresQueryResult>?) {
        let kept = condition.withLock { () -> Bool in
            defer { condition.signal() }
            guard !connection.isClosed, !closed else {
                open -= 1
                return false
            }
            idle.append((connection, finishing))
            return true
        }
        if !kept { _ = connection.close() as EventLoopFuture<Void> }
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

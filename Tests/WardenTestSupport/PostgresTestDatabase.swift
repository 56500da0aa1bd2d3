import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Testing
import WardenPostgres
import WardenStore

/// A fresh, empty PostgreSQL database with Warden's schema on the server `WARDEN_POSTGRES_URL` names (`make test`
/// starts a throwaway one: scripts/with-postgres.sh), dropped when the value is released.
public final class PostgresTestDatabase: @unchecked Sendable {
    /// The server's URL, or nil when no server was given (the PostgreSQL tests are then skipped, and say so).
    public static let serverURL: String? = ProcessInfo.processInfo.environment["WARDEN_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// Whether the PostgreSQL tests can run.
    public static var available: Bool { serverURL != nil }
    /// Why they are skipped when they are.
    public static let skipReason: Comment = "WARDEN_POSTGRES_URL is not set: run `make test` (it starts a throwaway PostgreSQL)"

    /// The new database, migrated.
    public let datastore: PostgresDatastore
    /// Its URL, for `warden … --datastore URL`.
    public let url: String
    private let server: PostgresDatastore
    private let name: String

    public init(migrated: Bool = true) throws {
        guard let url = Self.serverURL else { throw StoreError(.invalidArgument, "\(Self.skipReason)") }
        server = try PostgresDatastore(url: url)
        name = "warden_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try Self.administer(server, "CREATE DATABASE \(name)")
        datastore = server.with(database: name)
        var components = URLComponents(string: url)!
        components.path = "/\(name)"
        self.url = components.string!
        if migrated { try PostgresTupleStore.migrate(datastore) }
    }

    deinit {
        try? Self.administer(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement on the server's own database, outside Warden (tests use it to damage or inspect a schema).
    public static func administer(_ datastore: PostgresDatastore, _ sql: String) throws {
        try run(datastore, sql)
    }

    /// Runs one statement in this test's database and returns its rows' first columns as text.
    @discardableResult
    public func execute(_ sql: String) throws -> [String] {
        try Self.run(datastore, sql)
    }

    @discardableResult
    private static func run(_ datastore: PostgresDatastore, _ sql: String) throws -> [String] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let configuration = try datastore.connectionConfiguration()
        let logger = Logger(label: "warden.tests.postgres")
        let connection = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: 1, logger: logger).wait()
        defer { try? (connection.close() as EventLoopFuture<Void>).wait() }
        let result = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
        return result.rows.map { row in (try? row.decode(String.self)) ?? "" }
    }
}

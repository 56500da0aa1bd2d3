import Foundation
import NIOSSL
import PostgresNIO
import WardenStore

/// Where a PostgreSQL datastore is and how to reach it, parsed from a libpq-style URL:
/// `postgres://user:password@host:5432/database?sslmode=require`, or a Unix socket's directory with
/// `?host=/var/run/postgresql` (the socket is `DIR/.s.PGSQL.PORT`, as libpq names it).
public struct PostgresDatastore: Sendable, CustomStringConvertible {
    /// How to use TLS (libpq's `sslmode`: `disable`, `prefer`, `require`).
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var username: String
    public var password: String?
    public var database: String
    /// A TCP host, or nil for a Unix socket.
    public var host: String?
    public var port: Int
    /// The directory holding the Unix socket, when connecting through one.
    public var socketDirectory: String?
    public var tls: TLSMode
    /// Connections each process keeps at most (`?pool_max_conns=N`, as pgx names it; default 10).
    public var maximumConnections: Int

    /// Parses `url`.
    /// - Throws: ``StoreError`` `.invalidArgument` naming what is wrong with it.
    public init(url: String) throws(StoreError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw StoreError(.invalidArgument, "not a PostgreSQL URL: expected postgres://user@host:port/database")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? ""
        guard !user.isEmpty else { throw StoreError(.invalidArgument, "the PostgreSQL URL names no user (postgres://USER@host/database)") }
        username = user
        password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        port = try Self.port(in: url, scheme: scheme)
        if let directory = query["host"], directory.hasPrefix("/") {
            socketDirectory = directory
            host = nil
        } else {
            let named = query["host"] ?? components.host ?? ""
            host = named.isEmpty ? "localhost" : named
            socketDirectory = nil
        }
        let mode = query["sslmode"] ?? (socketDirectory == nil ? "prefer" : "disable")
        guard let tls = TLSMode(rawValue: mode) else {
            throw StoreError(.invalidArgument, "sslmode '\(mode)' is not one of disable, prefer, require")
        }
        self.tls = tls
        let pool = query["pool_max_conns"] ?? "10"
        guard let maximum = Int(pool), (1...1000).contains(maximum) else {
            throw StoreError(.invalidArgument, "pool_max_conns '\(pool)' is not a number from 1 to 1000")
        }
        maximumConnections = maximum
    }

    /// The port the URL's authority names (5432 when none). Read from the text: `URLComponents` gives no port for
    /// one too large for an integer, which must not quietly become the default.
    private static func port(in url: String, scheme: String) throws(StoreError) -> Int {
        let authority = url.dropFirst(scheme.count + 3).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        guard let colon = hostAndPort.lastIndex(of: ":"), !hostAndPort.hasSuffix("]") else { return 5432 }
        let text = hostAndPort[hostAndPort.index(after: colon)...]
        guard let port = Int(text), (1...65535).contains(port) else {
            throw StoreError(.invalidArgument, "PostgreSQL port '\(text.prefix(20))' is out of range: 1 to 65535")
        }
        return port
    }

    /// The URL without its password.
    public var description: String {
        let place = socketDirectory.map { "[\($0)]:\(port)" } ?? "\(host ?? ""):\(port)"
        return "postgres://\(username)@\(place)/\(database)"
    }

    /// A copy naming another database on the same server (tests make one per case).
    public func with(database: String) -> PostgresDatastore {
        var copy = self
        copy.database = database
        return copy
    }

    /// The postgres-nio connection settings.
    public func connectionConfiguration() throws(StoreError) -> PostgresConnection.Configuration {
        if let socketDirectory {
            return PostgresConnection.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        let tlsSetting: PostgresConnection.Configuration.TLS
        do {
            switch tls {
            case .disable: tlsSetting = .disable
            case .prefer: tlsSetting = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tlsSetting = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw StoreError(.storage, "cannot set up TLS for PostgreSQL: \(error)")
        }
        return PostgresConnection.Configuration(
            host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: tlsSetting)
    }
}

import Foundation
import Logging
import Warden

/// Everything `warden serve` is told: where to listen, who may call, which permission bindings `authorize` uses,
/// TLS, and the request timeout.
public struct ServerConfiguration: Sendable {
    /// Who may call the API (OpenFGA's `--authn-method`).
    public enum Authentication: Sendable {
        /// Anyone who reaches the port.
        case none
        /// `Authorization: Bearer KEY` with one of these keys.
        case preshared([String])
        /// `Authorization: Bearer JWT` from `issuer` for `audience`, verified against the JWKS at `jwksURL`, or
        /// against this data directory's own signing keys when nil.
        case oidc(issuer: String, audience: String, jwksURL: URL?)
    }

    /// PEM files for HTTPS.
    public struct TLSFiles: Sendable {
        public var certificateChain: String
        public var privateKey: String

        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var authentication: Authentication
    /// The bindings `POST /stores/{id}/authorize` uses, one file per API.
    public var bindings: [PermissionBindings]
    public var tls: TLSFiles?
    /// How long a check, batch check or expand may run (OpenFGA's request timeout).
    public var requestTimeout: Duration
    /// A watcher whose page of changes took longer than this to be taken (its socket full: it is not reading) is
    /// dropped with an event telling it where to resume.
    public var watchSlowConsumer: Duration
    /// How often expired tuples are deleted (see `ExpirySweeper`).
    public var expirySweepInterval: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info, authentication: Authentication = .none,
        bindings: [PermissionBindings] = [], tls: TLSFiles? = nil, requestTimeout: Duration = .seconds(3),
        watchSlowConsumer: Duration = .seconds(10), expirySweepInterval: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.authentication = authentication
        self.bindings = bindings
        self.tls = tls
        self.requestTimeout = requestTimeout
        self.watchSlowConsumer = watchSlowConsumer
        self.expirySweepInterval = expirySweepInterval
    }

    /// `http` or `https`, for the absolute URLs the discovery documents hold.
    var scheme: String { tls == nil ? "http" : "https" }
}

import ArgumentParser
import Foundation
import Logging
import Warden
import WardenServer

/// `warden serve`: OpenFGA's REST API on a data directory, until SIGTERM or SIGINT (in-flight requests finish).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve OpenFGA's REST API, AuthZEN, client-credentials tokens and authorize over HTTP.",
        discussion: """
            OpenFGA's API under /stores; AuthZEN under /stores/{id}/access/v1 and /.well-known/authzen-configuration/{id};
            POST /oauth/token, /.well-known/jwks.json and /.well-known/openid-configuration; POST /stores/{id}/authorize.
            Stops on SIGTERM or SIGINT after in-flight requests finish.
            """)

    @OptionGroup var data: DataOptions
    @Option(help: "HOST:PORT to listen on (loopback by default).") var addr = "127.0.0.1:8080"
    @Option(help: "trace, debug, info, notice, warning, error or critical; debug logs every request.") var logLevel = "info"
    @Flag(help: "Listen on a non-loopback address with --authn-method none.") var insecureBindAny = false
    @Option(help: "none, preshared (API keys) or oidc (JWT access tokens).") var authnMethod = "none"
    @Option(help: "Comma-separated API keys callers send as 'Authorization: Bearer KEY' (or WARDEN_AUTHN_PRESHARED_KEYS).")
    var authnPresharedKeys: String?
    @Option(help: "oidc: the issuer tokens must name (default: this data directory's own issuer).")
    var authnOidcIssuer = Warden.defaultIssuer
    @Option(help: "oidc: the audience tokens must be for.") var authnOidcAudience: String?
    @Option(help: "oidc: the issuer's JWKS URL (default: verify with this data directory's own signing keys).")
    var authnOidcJwksUrl: String?
    @Option(help: "A bindings file (permission → type#relation) for POST /stores/{id}/authorize; repeat for several APIs.")
    var bindings: [String] = []
    @Option(help: "HTTPS: the certificate chain, PEM.") var tlsCert: String?
    @Option(help: "HTTPS: the private key, PEM.") var tlsKey: String?
    @Option(help: "Check outcomes the cross-request cache keeps (0 turns it off, to measure checks without it).")
    var checkCacheSize = Warden.Configuration().cacheCapacity
    @Option(help: "Seconds a check, batch check or expand may run before it fails with deadline_exceeded.")
    var requestTimeout: Double = 3
    @Option(help: "Seconds between sweeps that delete expired tuples (they stop counting at their instant either way).")
    var expirySweepInterval: Double = 5

    /// The API keys, from the option or the environment (so they stay out of the process list).
    var apiKeys: [String] {
        let text = authnPresharedKeys ?? ProcessInfo.processInfo.environment["WARDEN_AUTHN_PRESHARED_KEYS"] ?? ""
        return text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard (0...100_000_000).contains(checkCacheSize) else { throw ValidationError("--check-cache-size is 0 to 100000000") }
        guard let (_, port) = Self.split(addr) else { throw ValidationError("--addr is HOST:PORT, as in 127.0.0.1:8080") }
        guard (0...65535).contains(port) else { throw ValidationError("--addr's port must be 0 to 65535") }
        guard ["none", "preshared", "oidc"].contains(authnMethod) else { throw ValidationError("--authn-method is none, preshared or oidc") }
        if authnMethod == "preshared", apiKeys.isEmpty {
            throw ValidationError("--authn-method preshared needs keys: --authn-preshared-keys or WARDEN_AUTHN_PRESHARED_KEYS")
        }
        if authnMethod == "oidc", (authnOidcAudience ?? "").isEmpty {
            throw ValidationError("--authn-method oidc needs --authn-oidc-audience")
        }
        if let url = authnOidcJwksUrl, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            throw ValidationError("--authn-oidc-jwks-url must be an http or https URL")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("HTTPS needs both --tls-cert and --tls-key") }
        guard requestTimeout > 0, requestTimeout <= 3600 else { throw ValidationError("--request-timeout is 0 to 3600 seconds") }
        guard expirySweepInterval >= 0.01, expirySweepInterval <= 86_400 else {
            throw ValidationError("--expiry-sweep-interval is 0.01 to 86400 seconds")
        }
        // Without authentication anyone who can reach the port may read and write every store.
        let host = Self.split(addr)!.0
        guard ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) || insecureBindAny || authnMethod != "none" else {
            throw ValidationError("--addr \(host) is not loopback: callers are not authenticated, so give --insecure-bind-any to listen there")
        }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ValidationError("--log-level is one of trace, debug, info, notice, warning, error, critical")
        }
    }

    static func split(_ address: String) -> (String, Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        let host = String(address[..<colon])
        return host.isEmpty ? nil : (host, port)
    }

    var authentication: ServerConfiguration.Authentication {
        switch authnMethod {
        case "preshared": .preshared(apiKeys)
        case "oidc": .oidc(issuer: authnOidcIssuer, audience: authnOidcAudience ?? "", jwksURL: authnOidcJwksUrl.flatMap(URL.init(string:)))
        default: .none
        }
    }

    func run() async throws {
        let (host, port) = Self.split(addr)!
        let loaded = try bindings.map { path in try reporting { try PermissionBindings.load(path: path) } }
        let warden = try data.open(cacheCapacity: checkCacheSize)
        let configuration = ServerConfiguration(
            host: host, port: port, logLevel: Logger.Level(rawValue: logLevel) ?? .info, authentication: authentication,
            bindings: loaded, tls: tlsCert.map { ServerConfiguration.TLSFiles(certificateChain: $0, privateKey: tlsKey ?? "") },
            requestTimeout: .milliseconds(Int(requestTimeout * 1000)),
            expirySweepInterval: .milliseconds(Int(expirySweepInterval * 1000)))
        let scheme = tlsCert == nil ? "http" : "https"
        StandardError.write("warden: serving on \(scheme)://\(host):\(port) (data: \(data.place))")
        do {
            try await WardenServer.run(warden: warden, configuration: configuration)
        } catch {
            StandardError.write("error: \(error)")
            throw WardenExit.badInput
        }
    }
}

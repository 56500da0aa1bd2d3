import ArgumentParser
import Foundation
import Warden
import WardenServer

/// `warden serve`: OpenFGA's REST API on a data directory, until SIGTERM or SIGINT (in-flight requests finish).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve OpenFGA's REST API (stores, models, write, read, changes, check, batch-check, list-objects, list-users) over HTTP.")

    @OptionGroup var data: DataOptions
    @Option(help: "HOST:PORT to listen on (loopback by default).") var addr = "127.0.0.1:8080"
    @Option(help: "trace, debug, info, notice, warning, error or critical; debug logs every request.") var logLevel = "info"
    @Flag(help: "Listen on a non-loopback address with --authn-method none.") var insecureBindAny = false
    @Option(help: "none, or preshared (API keys from --authn-preshared-keys or WARDEN_AUTHN_PRESHARED_KEYS).")
    var authnMethod = "none"
    @Option(help: "Comma-separated API keys callers send as 'Authorization: Bearer KEY' (several, for rotation).")
    var authnPresharedKeys: String?

    /// The API keys, from the option or the environment (so they stay out of the process list).
    var apiKeys: [String] {
        let text = authnPresharedKeys ?? ProcessInfo.processInfo.environment["WARDEN_AUTHN_PRESHARED_KEYS"] ?? ""
        return text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard let (_, port) = Self.split(addr) else { throw ValidationError("--addr is HOST:PORT, as in 127.0.0.1:8080") }
        guard (0...65535).contains(port) else { throw ValidationError("--addr's port must be 0 to 65535") }
        guard ["none", "preshared"].contains(authnMethod) else { throw ValidationError("--authn-method is none or preshared") }
        if authnMethod == "preshared", apiKeys.isEmpty {
            throw ValidationError("--authn-method preshared needs keys: --authn-preshared-keys or WARDEN_AUTHN_PRESHARED_KEYS")
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

    func run() async throws {
        let (host, port) = Self.split(addr)!
        let warden = try data.open()
        StandardError.write("warden: serving OpenFGA's API on http://\(host):\(port) (data: \(data.directory))")
        try await WardenServer.run(
            warden: warden, host: host, port: port, logLevel: logLevel, apiKeys: authnMethod == "preshared" ? apiKeys : [])
    }
}

import Hummingbird
import Logging
import WardenScopes
import WardenWire

/// Decides whether a request to the API may proceed: nil to let it through, or the 401 to send instead.
protocol Authenticating: Sendable {
    func refusal(_ request: Request, logger: Logger) async -> Response?
}

/// OpenFGA's `--authn-method none`: every request passes (the server then listens on loopback only, unless told
/// otherwise).
struct NoAuthentication: Authenticating {
    func refusal(_ request: Request, logger: Logger) async -> Response? { nil }
}

/// OpenFGA's `--authn-method preshared`: every API request must carry `Authorization: Bearer KEY` with one of the
/// configured keys (several, so keys can be rotated). Keys are compared in time that does not depend on where they
/// differ.
struct PresharedKeys: Authenticating {
    let keys: [[UInt8]]

    init(keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    /// The 401 answer for a request without a valid key, in OpenFGA's words; nil when the request may pass.
    func refusal(_ request: Request, logger: Logger) async -> Response? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            return WardenServer.json(401, WireError(status: 401, code: "bearer_token_missing", message: "missing bearer token").json)
        }
        let presented = Array(header.utf8.dropFirst(7))
        // Check every key, always, so the time taken says nothing about which key came close.
        var accepted = false
        for key in keys where ClientSecret.constantTimeEqual(key, presented) { accepted = true }
        return accepted ? nil : WardenServer.json(401, WireError(status: 401, code: "unauthenticated", message: "unauthenticated").json)
    }
}

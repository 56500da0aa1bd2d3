import Hummingbird
import WardenWire

/// OpenFGA's `--authn-method preshared`: every API request must carry `Authorization: Bearer KEY` with one of the
/// configured keys (several, so keys can be rotated). Keys are compared in time that does not depend on where they
/// differ. With no keys configured, every request passes (`--authn-method none`).
struct PresharedKeys: Sendable {
    let keys: [[UInt8]]

    init(keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    /// The 401 answer for a request without a valid key, in OpenFGA's words; nil when the request may pass.
    func refusal(_ request: Request) -> Response? {
        guard !keys.isEmpty else { return nil }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            return WardenServer.json(401, WireError(status: 401, code: "bearer_token_missing", message: "missing bearer token").json)
        }
        let presented = Array(header.utf8.dropFirst(7))
        // Check every key, always, so the time taken says nothing about which key came close.
        var accepted = false
        for key in keys where Self.constantTimeEqual(key, presented) { accepted = true }
        return accepted ? nil : WardenServer.json(401, WireError(status: 401, code: "unauthenticated", message: "unauthenticated").json)
    }

    /// Equality whose time depends only on the lengths, not on the contents.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && left.count == right.count
    }
}

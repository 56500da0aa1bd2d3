import Foundation
import WardenModel

/// Carries one OpenFGA API request and brings back its status and JSON body: in process (straight to
/// ``OpenFGAAPI``) or over HTTP (WardenClient's `HTTPTransport`, to `warden serve` or OpenFGA itself).
public protocol WireTransport {
    func send(method: String, path: [String], body: JSONValue?) throws -> (status: Int, body: JSONValue?)
}

/// Calls ``OpenFGAAPI`` directly: the wire layer without a network.
public struct InProcessTransport: WireTransport {
    public let api: OpenFGAAPI

    public init(api: OpenFGAAPI) {
        self.api = api
    }

    public func send(method: String, path: [String], body: JSONValue?) throws -> (status: Int, body: JSONValue?) {
        let answer = api.handle(method: method, path: path, body: body)
        return (answer.status, answer.body)
    }
}

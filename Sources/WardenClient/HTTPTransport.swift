import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WardenModel
import WardenWire

/// HTTP/1.1 to an OpenFGA-compatible server at `baseURL` (`http://127.0.0.1:8080`), blocking the calling thread
/// for each answer: the ``WireTransport`` the CLI's `model test --server` runs store files through. Over
/// async-http-client, as ``WardenClient``; never call it from an event loop.
public struct HTTPTransport: WireTransport {
    public let baseURL: URL
    let base: String
    let httpClient: HTTPClient
    /// How long one request may take.
    public var timeout: TimeAmount = .seconds(30)

    /// Why a request got no HTTP answer.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(baseURL: URL, httpClient: HTTPClient = .shared) {
        self.baseURL = baseURL
        self.base = baseURL.wireBase
        self.httpClient = httpClient
    }

    public func send(method: String, path: [String], body: JSONValue?) throws -> (status: Int, body: JSONValue?) {
        let wire = WireRequest(base: base, method: HTTPMethod(rawValue: method), path: path, body: body, bearer: nil)
        let response: HTTPClient.Response
        do {
            let request = try HTTPClient.Request(url: wire.url, method: wire.method, headers: wire.headers, body: wire.body.map { .byteBuffer($0) })
            response = try httpClient.execute(request: request, deadline: .now() + timeout).wait()
        } catch {
            throw Failure(description: "\(method) \(wire.url): \(error)")
        }
        return (Int(response.status.code), try WireRequest.json(response.body))
    }
}

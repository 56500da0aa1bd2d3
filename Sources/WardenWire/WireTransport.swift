import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import WardenModel

/// Carries one OpenFGA API request and brings back its status and JSON body: in process (straight to
/// ``OpenFGAAPI``) or over HTTP (to `warden serve`, or to OpenFGA itself).
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

/// HTTP/1.1 to an OpenFGA-compatible server at `baseURL` (`http://127.0.0.1:8080`).
public struct HTTPTransport: WireTransport {
    public let baseURL: URL

    /// Why a request got no HTTP answer.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(baseURL: URL) {
        self.baseURL = baseURL
    }

    public func send(method: String, path: [String], body: JSONValue?) throws -> (status: Int, body: JSONValue?) {
        var url = baseURL
        for segment in path { url.appendPathComponent(segment) }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.compact.utf8)
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        final class Box: @unchecked Sendable { var result: Result<(Int, Data), any Error>? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(error)
            } else {
                box.result = .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
            }
            done.signal()
        }.resume()
        done.wait()
        guard case .success(let (status, data))? = box.result else {
            if case .failure(let error)? = box.result { throw Failure(description: "\(method) \(url): \(error.localizedDescription)") }
            throw Failure(description: "\(method) \(url): no answer")
        }
        let text = String(decoding: data, as: UTF8.self)
        return (status, text.isEmpty ? nil : try JSONValue.parse(text, anyValue: true))
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WardenModel

/// One OpenFGA API request as HTTP (URL with each path segment percent-encoded, method, headers, JSON body), built
/// the same way for the async ``WardenClient`` and the blocking ``HTTPTransport``.
struct WireRequest {
    let url: String
    let method: HTTPMethod
    var headers: HTTPHeaders = [:]
    var body: ByteBuffer?

    /// `base` is the server's URL as text without a trailing `/`.
    init(base: String, method: HTTPMethod, path: [String], body: JSONValue?, bearer: String?) {
        let segment = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
        let encoded = path.map { $0.addingPercentEncoding(withAllowedCharacters: segment) ?? $0 }
        self.url = base + "/" + encoded.joined(separator: "/")
        self.method = method
        if let bearer { headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            self.body = ByteBuffer(string: body.compact)
        }
    }

    /// The answer's body as JSON, or nil when it is empty.
    static func json(_ bytes: ByteBuffer?) throws -> JSONValue? {
        guard let bytes, bytes.readableBytes > 0 else { return nil }
        return try JSONValue.parse(String(buffer: bytes), anyValue: true)
    }
}

extension URL {
    /// The URL as text without a trailing `/`, the base ``WireRequest`` appends paths to.
    var wireBase: String {
        let text = absoluteString
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}

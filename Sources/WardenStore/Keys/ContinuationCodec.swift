import Foundation

/// Continuation tokens: URL-safe base64 of the index and the last key returned, so a page resumes right after it
/// and a token from another index or store is refused instead of misread.
enum ContinuationCodec {
    static func token(table: Table, key: [UInt8]) -> ContinuationToken {
        let text = Data([UInt8(table.rawValue)] + key).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return ContinuationToken(text: text)
    }

    static func key(of token: ContinuationToken, table: Table) throws(StoreError) -> [UInt8] {
        var base64 = token.text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let first = data.first, first == UInt8(table.rawValue) else {
            throw StoreError(.invalidContinuationToken, "continuation token '\(token.text)' is not valid for this query")
        }
        return Array(data.dropFirst())
    }

    /// The first key to visit after `token`: the smallest key greater than the token's key. Nil without a token.
    static func start(after token: ContinuationToken?, table: Table, prefix: [UInt8]) throws(StoreError) -> [UInt8]? {
        guard let token else { return nil }
        let key = try key(of: token, table: table)
        guard key.starts(with: prefix) else {
            throw StoreError(.invalidContinuationToken, "continuation token '\(token.text)' belongs to another query")
        }
        return key + [0]
    }
}

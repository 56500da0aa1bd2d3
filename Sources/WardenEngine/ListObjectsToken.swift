import Foundation
import WardenModel
import WardenStore

/// ListObjects' continuation token: opaque to callers (base64url), and validated on return. It names the request it
/// continues (object type and relation), the revision it was cut at, and the last object returned (none when the
/// answer stopped before the first); a token from another request or revision, or one that is not a token at all,
/// is an error — never a silently empty answer.
struct ListObjectsToken: Equatable {
    static let version = "lo1"

    var objectType: String
    var relation: String
    var revision: UInt64
    /// The id of the last object returned; nil when none was.
    var after: String?

    var encoded: String {
        let fields = [Self.version, objectType, relation, String(revision), after.map { "+" + $0 } ?? "-"]
        return Data(fields.joined(separator: "\u{0}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes `text` and checks it continues `request` at `revision`.
    /// - Throws: ``CheckError`` `.validation` naming what does not fit.
    init(decoding text: String, for request: ListObjectsRequest, at revision: Revision) throws(CheckError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard text.utf8.count <= 4096, let data = Data(base64Encoded: base64) else {
            throw CheckError(.validation, "invalid continuation token: it is not one this server issued")
        }
        let fields = String(decoding: data, as: UTF8.self).split(separator: "\u{0}", omittingEmptySubsequences: false)
            .map(String.init)
        guard fields.count == 5, fields[0] == Self.version, let number = UInt64(fields[3]),
            fields[4] == "-" || fields[4].hasPrefix("+")
        else {
            throw CheckError(.validation, "invalid continuation token: it is not one this server issued")
        }
        guard fields[1].bytesEqual(request.objectType), fields[2].bytesEqual(request.relation) else {
            throw CheckError(.validation, "invalid continuation token: it continues another request (\(fields[1])#\(fields[2]))")
        }
        guard number == revision.rawValue else {
            throw CheckError(
                .validation,
                "invalid continuation token: it was issued at revision \(number) and the store is now at \(revision.rawValue); "
                    + "start again without it")
        }
        self.init(objectType: fields[1], relation: fields[2], revision: number, after: fields[4] == "-" ? nil : String(fields[4].dropFirst()))
    }

    init(objectType: String, relation: String, revision: UInt64, after: String?) {
        self.objectType = objectType
        self.relation = relation
        self.revision = revision
        self.after = after
    }
}

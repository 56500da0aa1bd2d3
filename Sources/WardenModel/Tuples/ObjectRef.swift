/// An object a tuple or request names: `type:id`, e.g. `document:roadmap`.
///
/// Equality is by UTF-8 bytes, as OpenFGA compares ids (see ``ByteString``); byte-equal values hash alike.
public struct ObjectRef: Hashable, Sendable, CustomStringConvertible {
    /// The object's type.
    public var type: String
    /// The object's id within its type.
    public var id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    public static func == (lhs: ObjectRef, rhs: ObjectRef) -> Bool {
        lhs.id.bytesEqual(rhs.id) && lhs.type.bytesEqual(rhs.type)
    }

    /// Parses `type:id`, splitting at the first `:` byte (a `:` followed by a combining mark still splits).
    /// - Throws: ``TupleReferenceError`` when the type or id is empty or the id is not a valid object id.
    public init(parsing text: String) throws(TupleReferenceError) {
        guard let (type, id) = text.splitOnce(at: UInt8(ascii: ":")) else {
            throw TupleReferenceError(text: text, reason: "an object is written type:id, as in document:1")
        }
        try ObjectRef.validateType(type, in: text)
        guard ObjectRef.isValidID(id) else {
            throw TupleReferenceError(
                text: text,
                reason: "the object id '\(id.quotedForMessage())' must be non-empty and hold no whitespace, control character, '#' or ':'")
        }
        self.init(type: type, id: id)
    }

    public var description: String { "\(type):\(id)" }

    /// Whether `id` is an object id OpenFGA's server accepts (`[^#:\s]+`, with Go's ASCII `\s`): non-empty, with no
    /// `#`, `:`, space, tab, CR, LF or form feed. Warden also refuses control characters, which no id needs and
    /// which would make keys and logs ambiguous (OpenFGA refuses them too, as malformed). Commas, no-break spaces,
    /// line separators and combining marks are ids' own business, as in OpenFGA.
    public static func isValidID(_ id: String) -> Bool {
        // ASCII ids (nearly all) are decided on bytes: no control character (below 0x20, or DEL), space, '#' or ':'.
        if let ascii = id.utf8.withContiguousStorageIfAvailable({ bytes -> Bool? in
            var clean = true
            for byte in bytes {
                if byte >= 0x80 { return nil }
                clean = clean && byte > 0x20 && byte != 0x7F && byte != UInt8(ascii: "#") && byte != UInt8(ascii: ":")
            }
            return clean
        }), let ascii {
            return !id.isEmpty && ascii
        }
        return !id.isEmpty && !id.unicodeScalars.contains { scalar in
            scalar == "#" || scalar == ":" || scalar.properties.generalCategory == .control
                || ObjectRef.isGoSpace(scalar)
        }
    }

    /// Go's regexp `\s`: ASCII space, tab, newline, carriage return and form feed (no Unicode spaces).
    public static func isGoSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
    }

    static func validateType(_ type: String, in text: String) throws(TupleReferenceError) {
        guard !type.isEmpty, ModelValidator.matchesNamingRule(type, maximumLength: 254) else {
            throw TupleReferenceError(text: text, reason: "'\(type.quotedForMessage())' is not a valid type name")
        }
    }
}

/// An object a tuple or request names: `type:id`, e.g. `document:roadmap`.
public struct ObjectRef: Hashable, Sendable, CustomStringConvertible {
    /// The object's type.
    public var type: String
    /// The object's id within its type.
    public var id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// Parses `type:id`.
    /// - Throws: ``TupleReferenceError`` when the type or id is empty or the id is not a valid object id.
    public init(parsing text: String) throws(TupleReferenceError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw TupleReferenceError(text: text, reason: "an object is written type:id, as in document:1")
        }
        let type = String(text[..<colon])
        let id = String(text[text.index(after: colon)...])
        try ObjectRef.validateType(type, in: text)
        guard ObjectRef.isValidID(id) else {
            throw TupleReferenceError(
                text: text,
                reason: "the object id '\(id)' must be non-empty and hold no whitespace, control character, '#', ':' or ','")
        }
        self.init(type: type, id: id)
    }

    public var description: String { "\(type):\(id)" }

    /// Whether `id` is an object id OpenFGA accepts: non-empty, with no whitespace, `#`, `:` or `,`; Warden also
    /// refuses control characters, which no id needs and which would make keys and logs ambiguous.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && !id.unicodeScalars.contains { scalar in
            scalar == "#" || scalar == ":" || scalar == "," || scalar.properties.isWhitespace
                || scalar.properties.generalCategory == .control
        }
    }

    static func validateType(_ type: String, in text: String) throws(TupleReferenceError) {
        guard !type.isEmpty, ModelValidator.matchesNamingRule(type, maximumLength: 254) else {
            throw TupleReferenceError(text: text, reason: "'\(type)' is not a valid type name")
        }
    }
}

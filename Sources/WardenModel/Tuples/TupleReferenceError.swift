/// Why an object or user reference (`document:1`, `group:eng#member`, `user:*`) is malformed.
public struct TupleReferenceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text that was given.
    public var text: String
    /// What is wrong with it, in a sentence.
    public var reason: String

    /// The text is quoted safely (``Swift/String/quotedForMessage(limit:)``): a megabyte id is not echoed whole.
    public var description: String { "invalid reference '\(text.quotedForMessage())': \(reason)" }
}

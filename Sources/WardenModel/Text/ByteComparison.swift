/// Byte semantics for identifiers, as Go (and so OpenFGA) compares strings.
///
/// Swift's `String ==`, `<` and `hash(into:)` follow Unicode canonical equivalence: `"\u{E9}"` (é) equals
/// `"e\u{301}"` (e + combining accent). OpenFGA compares ids, relations and CEL strings by their UTF-8 bytes, where
/// those two differ; a tuple for one must never grant the other. Every identity of an id or name in Warden (tuple
/// keys, memo and cache keys, sets of objects and users) compares and hashes through these.
extension String {
    /// Whether both strings hold exactly the same UTF-8 bytes.
    @inlinable
    public func bytesEqual(_ other: String) -> Bool {
        let count = utf8.count
        guard count == other.utf8.count else { return false }
        let fast = utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs in
                count == 0 || mine.elementsEqual(theirs)
            }
        }
        if let fast, let answer = fast { return answer }
        return utf8.elementsEqual(other.utf8)
    }

    /// Whether this string's UTF-8 bytes sort before `other`'s (Go's string order).
    @inlinable
    public func bytesPrecede(_ other: String) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }

    /// Feeds the string's UTF-8 bytes, then their count, into `hasher`, so equal bytes hash equally and
    /// canonically equivalent but different strings need not.
    @inlinable
    public func hashBytes(into hasher: inout Hasher) {
        let done: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in utf8 { hasher.combine(byte) }
        }
        hasher.combine(utf8.count)
    }
}

/// A string whose identity is its UTF-8 bytes: a `Set`/`Dictionary` key that keeps `"\u{E9}"` and `"e\u{301}"`
/// apart, and sorts as Go sorts.
public struct ByteString: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: String

    public init(_ value: String) { self.value = value }

    public static func == (lhs: ByteString, rhs: ByteString) -> Bool { lhs.value.bytesEqual(rhs.value) }
    public static func < (lhs: ByteString, rhs: ByteString) -> Bool { lhs.value.bytesPrecede(rhs.value) }
    public func hash(into hasher: inout Hasher) { value.hashBytes(into: &hasher) }
    public var description: String { value }
}

extension String {
    /// Splits at the first occurrence of the ASCII byte `separator`: the bytes before and after it, or nil when it
    /// does not occur. Works on bytes, so a separator followed by a combining mark (one `Character`) still splits.
    public func splitOnce(at separator: UInt8) -> (before: String, after: String)? {
        guard let index = utf8.firstIndex(of: separator) else { return nil }
        let before = String(decoding: utf8[..<index], as: UTF8.self)
        let after = String(decoding: utf8[utf8.index(after: index)...], as: UTF8.self)
        return (before, after)
    }
}

import Foundation

/// Byte semantics for identifiers, as Go (and so OpenFGA) compares strings.
///
/// Swift's `String ==`, `<` and `hash(into:)` follow Unicode canonical equivalence: `"\u{E9}"` (é) equals
/// `"e\u{301}"` (e + combining accent). OpenFGA compares ids, relations and CEL strings by their UTF-8 bytes, where
/// those two differ; a tuple for one must never grant the other. Every identity of an id or name in Warden (tuple
/// keys, memo and cache keys, sets of objects and users) compares through these. Hashing stays Swift's own: equal
/// bytes are canonically equivalent, so they hash alike, and equivalent strings with different bytes merely share
/// a hash and still compare unequal.
extension String {
    /// Whether both strings hold exactly the same UTF-8 bytes (the length, then one `memcmp`).
    @inlinable
    public func bytesEqual(_ other: String) -> Bool {
        let count = utf8.count
        guard count == other.utf8.count else { return false }
        guard count > 0 else { return true }
        // Equal bytes are canonically equivalent, so Swift's `!=` proves a difference, and answers fast for the
        // common case (ASCII names of one length that differ); only an equivalent pair needs its bytes compared.
        guard self == other else { return false }
        let fast = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in memcmp(a.baseAddress!, b.baseAddress!, count) == 0 }
        }
        if let fast, let answer = fast { return answer }
        return utf8.elementsEqual(other.utf8)
    }

    /// Whether this string's UTF-8 bytes sort before `other`'s (Go's string order).
    @inlinable
    public func bytesPrecede(_ other: String) -> Bool {
        let fast = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in
                ByteOrder.compare(UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(b)) < 0
            }
        }
        if let fast, let answer = fast { return answer }
        return utf8.lexicographicallyPrecedes(other.utf8)
    }
}

/// Byte-string order as Go and LMDB define it, compared eight bytes at a time inline (short ids and keys differ
/// early, where a call to `memcmp` would cost more than the comparison).
public enum ByteOrder {
    /// Negative, zero or positive as `left` sorts before, equal to or after `right`.
    @inlinable @inline(__always)
    public static func compare(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
        let common = min(left.count, right.count)
        var offset = 0
        if common >= 8, let l = left.baseAddress, let r = right.baseAddress {
            while offset + 8 <= common {
                let a = UInt64(bigEndian: l.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let b = UInt64(bigEndian: r.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                if a != b { return a < b ? -1 : 1 }
                offset += 8
            }
        }
        while offset < common {
            let a = left[offset]
            let b = right[offset]
            if a != b { return a < b ? -1 : 1 }
            offset += 1
        }
        return left.count - right.count
    }
}

/// A string whose identity is its UTF-8 bytes: a `Set`/`Dictionary` key that keeps `"\u{E9}"` and `"e\u{301}"`
/// apart, and sorts as Go sorts.
public struct ByteString: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: String

    public init(_ value: String) { self.value = value }

    public static func == (lhs: ByteString, rhs: ByteString) -> Bool { lhs.value.bytesEqual(rhs.value) }
    public static func < (lhs: ByteString, rhs: ByteString) -> Bool { lhs.value.bytesPrecede(rhs.value) }
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

    /// Whether `scalar` is invisible or changes the direction of what follows (U+200B–U+200F, U+202A–U+202E,
    /// U+2066–U+2069, U+FEFF): an id holding one may display as another id.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (0x200B...0x200F).contains(value) || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value) || value == 0xFEFF
    }

    /// Whether the string holds an invisible or direction-changing character (see ``isInvisible(_:)``).
    public var hasInvisibleCharacters: Bool {
        // Every invisible scalar is outside ASCII: an ASCII string has none.
        if utf8.withContiguousStorageIfAvailable({ bytes in bytes.allSatisfy { $0 < 0x80 } }) == true { return false }
        return unicodeScalars.contains(where: Self.isInvisible)
    }

    /// The string as an error message may quote it: at most `limit` characters (then `…` and the full size), with
    /// control characters and invisible or direction-changing ones (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069,
    /// U+FEFF) escaped as `\u{…}`, so a message can neither be flooded nor display something else than it holds.
    public func quotedForMessage(limit: Int = 120) -> String {
        var shown = ""
        var count = 0
        for scalar in unicodeScalars {
            if count == limit {
                shown += "… (\(utf8.count) bytes)"
                break
            }
            if Self.isInvisible(scalar) || scalar.properties.generalCategory == .control {
                shown += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return shown
    }
}

/// A name's length and first 16 UTF-8 bytes, packed into integers: for names of at most 16 bytes, equal
/// fingerprints mean equal bytes, so looking a name up among a few compares integers instead of strings.
@frozen
public struct NameFingerprint: Equatable, Sendable {
    public let count: Int
    @usableFromInline let low: UInt64
    @usableFromInline let high: UInt64

    @inlinable
    public init(_ name: String) {
        var words: (UInt64, UInt64) = (0, 0)
        let copied: Void? = name.utf8.withContiguousStorageIfAvailable { bytes in
            withUnsafeMutableBytes(of: &words) {
                $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes).prefix(16)))
            }
        }
        if copied == nil {
            withUnsafeMutableBytes(of: &words) { target in
                for (index, byte) in name.utf8.prefix(16).enumerated() { target[index] = byte }
            }
        }
        count = name.utf8.count
        low = words.0
        high = words.1
    }

    /// Whether the fingerprint holds every byte of the name.
    @inlinable
    public var isWhole: Bool { count <= 16 }
}

/// Values by name, compared byte for byte (names that differ only by Unicode normalisation are different names):
/// a scan of fingerprints while the table is small, where that beats hashing the name, and a dictionary past it.
/// The first value given for a name is kept.
public struct NameTable<Value: Sendable>: Sendable {
    /// Tables with at most this many names are scanned.
    @inlinable
    public static var scanLimit: Int { 16 }

    @usableFromInline var names: [String] = []
    @usableFromInline var fingerprints: [NameFingerprint] = []
    @usableFromInline var values: [Value] = []
    @usableFromInline var indexes: [ByteString: Int] = [:]

    public init() {}

    public init(_ entries: some Sequence<(String, Value)>) {
        for (name, value) in entries { insert(name, value) }
    }

    /// How many names the table holds.
    public var count: Int { names.count }

    /// Adds `value` under `name` unless the name is already there.
    public mutating func insert(_ name: String, _ value: Value) {
        guard indexes[ByteString(name)] == nil else { return }
        indexes[ByteString(name)] = names.count
        names.append(name)
        fingerprints.append(NameFingerprint(name))
        values.append(value)
    }

    /// The value of `name`, byte for byte.
    @inlinable
    public subscript(name: String) -> Value? {
        guard let index = index(of: name) else { return nil }
        return values[index]
    }

    /// The position `name` was inserted at, byte for byte.
    @inlinable
    public func index(of name: String) -> Int? {
        guard names.count <= Self.scanLimit else { return indexes[ByteString(name)] }
        let fingerprint = NameFingerprint(name)
        for index in names.indices where fingerprints[index] == fingerprint {
            if fingerprint.isWhole || names[index].bytesEqual(name) { return index }
        }
        return nil
    }
}

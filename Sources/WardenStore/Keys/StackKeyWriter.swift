/// Writes a key into a buffer the caller sized for it, usually on the stack (``KeyLayout/withForwardKey(store:_:names:_:)``,
/// the nested-group reads of ``KeyValueSnapshot``): a value with mutating methods, so no captured variable is
/// checked for exclusive access at run time.
struct StackKeyWriter {
    let base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(_ base: UnsafeMutablePointer<UInt8>) { self.base = base }

    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    mutating func put(store: UInt32) {
        put(UInt8(truncatingIfNeeded: store >> 24))
        put(UInt8(truncatingIfNeeded: store >> 16))
        put(UInt8(truncatingIfNeeded: store >> 8))
        put(UInt8(truncatingIfNeeded: store))
    }

    /// The field's bytes and its terminating 0, copied in one go from the string's own storage; false when the
    /// field holds a 0 byte (no stored key does).
    mutating func put(field: String) -> Bool {
        let target = base + count
        let copied = field.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard !bytes.contains(0) else { return nil }
            if let source = bytes.baseAddress { target.initialize(from: source, count: bytes.count) }
            return bytes.count
        }
        switch copied {
        case .some(.some(let length)):
            count += length
        case .some(.none):
            return false
        case .none:
            for byte in field.utf8 {
                if byte == 0 { return false }
                put(byte)
            }
        }
        put(0)
        return true
    }

    /// A name's number as ``NameCode`` writes it.
    mutating func put(name number: UInt32) {
        NameCode.write(number) { put($0) }
    }

    /// Bytes as they are (ids already checked, codes already written).
    mutating func put(bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Forgets everything after the first `length` bytes.
    mutating func truncate(to length: Int) {
        count = min(count, length)
    }

    /// What is written so far; valid while the buffer is.
    var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

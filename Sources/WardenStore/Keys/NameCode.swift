/// How a name's number is written in a key: 1 byte below 128, 2 bytes below 16,384, else 4 bytes (the top bits of
/// the first byte say which). Prefix-free, and byte order is number order, so keys stay ordered by their fields.
enum NameCode {
    /// One more than the largest number that can be written.
    static let maximum: UInt32 = 1 << 30

    @inline(__always)
    static func append(_ number: UInt32, to bytes: inout [UInt8]) {
        write(number) { bytes.append($0) }
    }

    /// Hands `number`'s bytes to `put`, in order (for keys built outside an array).
    @inline(__always)
    static func write(_ number: UInt32, _ put: (UInt8) -> Void) {
        if number < 0x80 {
            put(UInt8(number))
        } else if number < 0x4000 {
            put(0x80 | UInt8(number >> 8))
            put(UInt8(truncatingIfNeeded: number))
        } else {
            precondition(number < maximum, "a name number is at most 2^30 - 1")
            put(0xC0 | UInt8(number >> 24))
            put(UInt8(truncatingIfNeeded: number >> 16))
            put(UInt8(truncatingIfNeeded: number >> 8))
            put(UInt8(truncatingIfNeeded: number))
        }
    }

    /// How many bytes a number whose first byte is `first` takes.
    @inline(__always)
    static func width(first: UInt8) -> Int { first < 0x80 ? 1 : first < 0xC0 ? 2 : 4 }

    /// Reads a number at `offset` in `buffer`, moving `offset` past it.
    /// - Throws: ``StoreError`` `.corrupted` when the buffer ends inside it.
    @inline(__always)
    static func read(_ buffer: UnsafeRawBufferPointer, at offset: inout Int) throws(StoreError) -> UInt32 {
        guard offset < buffer.count else { throw StoreError(.corrupted, "a stored key is truncated (a name number is missing)") }
        let first = buffer[offset]
        let width = width(first: first)
        guard buffer.count - offset >= width else { throw StoreError(.corrupted, "a stored key is truncated (a name number is cut)") }
        var number = UInt32(width == 1 ? first : first & 0x3F)
        if width > 1 {
            for index in 1..<width { number = number << 8 | UInt32(buffer[offset + index]) }
        }
        offset += width
        return number
    }
}

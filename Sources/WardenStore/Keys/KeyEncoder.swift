import Foundation

/// Builds and reads keys made of numbers, name numbers (``NameCode``) and fields that each end in a 0 byte.
///
/// No field may hold a 0 byte (ids refuse control characters, names follow the model's naming rule), so a
/// field's end is unambiguous: `a:b#c` + `d` and `a:b` + `#cd` encode differently, the prefix of a field list is
/// a prefix of the key, and keys under one prefix sort by their fields.
struct KeyEncoder {
    private(set) var bytes: [UInt8]

    init(capacity: Int = 96) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends to `buffer`'s bytes, which it takes over (leaving `buffer` empty) until ``release(into:)``.
    init(adopting buffer: inout [UInt8]) {
        bytes = []
        swap(&bytes, &buffer)
    }

    /// Hands the bytes back to the buffer they were adopted from.
    mutating func release(into buffer: inout [UInt8]) {
        swap(&bytes, &buffer)
    }

    /// Starts with a store number, big-endian, so a store's keys are contiguous.
    init(store: UInt32) {
        self.init()
        append(store)
    }

    mutating func append(_ number: UInt32) {
        withUnsafeBytes(of: number.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ number: UInt64) {
        withUnsafeBytes(of: number.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends a name's number (``NameCode``); false, appending nothing, when `names` has not interned it.
    @inline(__always)
    mutating func append(name: String, in names: inout some NameNumbering) -> Bool {
        guard let number = names.number(name) else { return false }
        NameCode.append(number, to: &bytes)
        return true
    }

    /// Appends a name's number (``NameCode``); false, appending nothing, when `names` has not interned it.
    @inline(__always)
    mutating func append(name: String, in names: Names) -> Bool {
        guard let number = names.number(name) else { return false }
        NameCode.append(number, to: &bytes)
        return true
    }

    /// Appends one field and its terminator.
    /// - Throws: ``StoreError`` `.invalidTuple` when the field holds a 0 byte.
    mutating func append(field: String) throws(StoreError) {
        let start = bytes.count
        bytes.append(contentsOf: field.utf8)
        if bytes[start...].contains(0) {
            throw StoreError(.invalidTuple, "'\(field.debugDescription)' holds a NUL byte, which no id or name may hold")
        }
        bytes.append(0)
    }
}

/// Reads the fields of a key written by ``KeyEncoder``.
struct KeyDecoder {
    private let buffer: UnsafeRawBufferPointer
    private var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, skipping count: Int = 0) {
        self.buffer = buffer
        self.offset = count
    }

    var remaining: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[offset...]) }

    var isAtEnd: Bool { offset >= buffer.count }

    /// A length in LEB128 (7 bits a byte, low first), at most 4 bytes.
    mutating func length() throws(StoreError) -> Int {
        var value = 0
        for shift in stride(from: 0, to: 28, by: 7) {
            let next = try byte()
            value |= Int(next & 0x7F) << shift
            if next < 0x80 { return value }
        }
        throw StoreError(.corrupted, "a stored length is longer than 4 bytes")
    }

    /// The next `count` bytes.
    mutating func bytes(count: Int) throws(StoreError) -> UnsafeRawBufferPointer {
        guard count >= 0, buffer.count - offset >= count else { throw StoreError(.corrupted, "a stored record is truncated") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
    }

    /// Moves past a field without reading it.
    mutating func skipField() throws(StoreError) {
        guard let end = buffer[offset...].firstIndex(of: 0) else {
            throw StoreError(.corrupted, "a stored key is truncated (a field has no terminator)")
        }
        offset = end + 1
    }

    mutating func field() throws(StoreError) -> String {
        guard let end = buffer[offset...].firstIndex(of: 0) else {
            throw StoreError(.corrupted, "a stored key is truncated (a field has no terminator)")
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[offset..<end]), as: UTF8.self)
        offset = end + 1
        return text
    }

    mutating func uint64() throws(StoreError) -> UInt64 { try integer() }

    /// A name's number (``NameCode``).
    mutating func nameNumber() throws(StoreError) -> UInt32 { try NameCode.read(buffer, at: &offset) }

    mutating func uint32() throws(StoreError) -> UInt32 { try integer() }

    /// A big-endian unsigned integer of `Value`'s width.
    private mutating func integer<Value: FixedWidthInteger & UnsignedInteger>() throws(StoreError) -> Value {
        let width = Value.bitWidth / 8
        guard buffer.count - offset >= width else { throw StoreError(.corrupted, "a stored number is truncated") }
        var value: Value = 0
        for index in 0..<width { value = value << 8 | Value(buffer[offset + index]) }
        offset += width
        return value
    }

    mutating func byte() throws(StoreError) -> UInt8 {
        guard offset < buffer.count else { throw StoreError(.corrupted, "a stored record is truncated") }
        defer { offset += 1 }
        return buffer[offset]
    }
}

extension Array where Element == UInt8 {
    /// Byte order, as LMDB sorts keys: `memcmp` on the shorter length, then the shorter first. Negative, zero or
    /// positive, as `memcmp`.
    @inline(__always)
    func compareBytes(_ other: [UInt8]) -> Int {
        let shared = Swift.min(count, other.count)
        let order = withUnsafeBufferPointer { left in
            other.withUnsafeBufferPointer { right in shared == 0 ? 0 : Int(memcmp(left.baseAddress!, right.baseAddress!, shared)) }
        }
        return order != 0 ? order : count - other.count
    }
}

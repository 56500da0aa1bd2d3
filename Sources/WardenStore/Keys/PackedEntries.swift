/// Many keys and values in one byte buffer, in the order they were added: a bulk write of computed entries (the
/// nested-group index's closure, tens of thousands of short keys with one-byte values) as a few allocations
/// instead of two arrays per entry. A writer's `putAll` hands it to its backend, which may store it without
/// unpacking it (the in-memory tables keep the same layout).
public struct PackedEntries: Sendable {
    /// Keys and values, each value right after its key.
    private(set) var bytes: [UInt8] = []
    /// Where each entry lies in ``bytes``, in the order they were added.
    private(set) var slots: [SortedTable.Slot] = []

    public init() {}

    public var count: Int { slots.count }
    /// Bytes of keys and values.
    public var byteCount: Int { bytes.count }
    public var isEmpty: Bool { slots.isEmpty }

    /// Adds an entry whose key `writeKey` appends to the buffer (no key array of its own).
    mutating func append(key writeKey: (inout [UInt8]) -> Void, value: some Collection<UInt8>) {
        let offset = bytes.count
        writeKey(&bytes)
        let keyCount = bytes.count - offset
        bytes.append(contentsOf: value)
        slots.append(SortedTable.Slot(offset: offset, keyCount: UInt32(keyCount), valueCount: UInt32(value.count)))
    }

    /// Adds an entry whose key `writeKey` appends to the buffer, unless it returns false or throws (then the
    /// buffer is as before). Returns whether the entry was added.
    mutating func append<Failure: Error>(
        key writeKey: (inout [UInt8]) throws(Failure) -> Bool, value: some Collection<UInt8>
    ) throws(Failure) -> Bool {
        let offset = bytes.count
        let written: Bool
        do { written = try writeKey(&bytes) } catch {
            bytes.removeSubrange(offset...)
            throw error
        }
        guard written else {
            bytes.removeSubrange(offset...)
            return false
        }
        let keyCount = bytes.count - offset
        bytes.append(contentsOf: value)
        slots.append(SortedTable.Slot(offset: offset, keyCount: UInt32(keyCount), valueCount: UInt32(value.count)))
        return true
    }

    /// The entries' positions in key order (byte order), equal keys in the order they were added.
    func keyOrder() -> [Int] {
        bytes.withUnsafeBytes { blob in
            slots.withUnsafeBufferPointer { slots in
                slots.indices.sorted { left, right in
                    let order = SortedTable.compare(SortedTable.key(slots[left], blob), SortedTable.key(slots[right], blob))
                    return order < 0 || (order == 0 && left < right)
                }
            }
        }
    }

    /// These entries in `order` (positions of these): the same bytes (shared, not copied), the slots in that order.
    func reordered(_ order: [Int]) -> PackedEntries {
        var result = self
        result.slots = order.map { slots[$0] }
        return result
    }

    /// The entries at the positions `include` accepts, in order, packed anew (no bytes of the others kept).
    func filter(_ include: (Int) -> Bool) -> PackedEntries {
        var result = PackedEntries()
        result.reserveCapacity(entries: count, bytes: bytes.count)
        bytes.withUnsafeBytes { blob in
            for position in slots.indices where include(position) {
                let slot = slots[position]
                result.slots.append(SortedTable.Slot(offset: result.bytes.count, keyCount: slot.keyCount, valueCount: slot.valueCount))
                result.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: blob[slot.offset..<(slot.offset + slot.size)]))
            }
        }
        return result
    }

    /// Whether entries `left` and `right` have the same key.
    func sameKey(_ left: Int, _ right: Int) -> Bool {
        bytes.withUnsafeBytes { blob in
            SortedTable.compare(SortedTable.key(slots[left], blob), SortedTable.key(slots[right], blob)) == 0
        }
    }

    /// Adds `other`'s entries after these, in their order.
    mutating func append(contentsOf other: PackedEntries) {
        let shift = bytes.count
        bytes.append(contentsOf: other.bytes)
        slots.append(contentsOf: other.slots.lazy.map { SortedTable.Slot(offset: $0.offset + shift, keyCount: $0.keyCount, valueCount: $0.valueCount) })
    }

    mutating func reserveCapacity(entries: Int, bytes byteCount: Int) {
        slots.reserveCapacity(entries)
        bytes.reserveCapacity(byteCount)
    }

    /// Calls `body` with each entry's key and value, in order; the buffers are valid only inside `body`.
    public func forEach<Failure: Error>(
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(Failure) -> Void
    ) throws(Failure) {
        try bytes.withUnsafeBufferPointer { buffer throws(Failure) in
            let blob = UnsafeRawBufferPointer(buffer)
            for slot in slots {
                let valueStart = slot.offset + Int(slot.keyCount)
                try body(
                    UnsafeRawBufferPointer(rebasing: blob[slot.offset..<valueStart]),
                    UnsafeRawBufferPointer(rebasing: blob[valueStart..<(valueStart + Int(slot.valueCount))]))
            }
        }
    }

    /// Calls `body` with entry `index`'s key and value; the buffers are valid only inside `body`.
    func withEntry<Result, Failure: Error>(
        at index: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let slot = slots[index]
        return try bytes.withUnsafeBufferPointer { buffer throws(Failure) in
            let blob = UnsafeRawBufferPointer(buffer)
            let valueStart = slot.offset + Int(slot.keyCount)
            return try body(
                UnsafeRawBufferPointer(rebasing: blob[slot.offset..<valueStart]),
                UnsafeRawBufferPointer(rebasing: blob[valueStart..<(valueStart + Int(slot.valueCount))]))
        }
    }

    /// Each entry as a key and a value of its own.
    public var entries: [KeyValueEntry] {
        var entries: [KeyValueEntry] = []
        entries.reserveCapacity(count)
        forEach { key, value in entries.append(KeyValueEntry(key: Array(key), value: Array(value))) }
        return entries
    }

    /// Whether every key sorts strictly after the one before it (byte order).
    var isStrictlyAscending: Bool {
        bytes.withUnsafeBytes { blob in
            slots.indices.dropFirst().allSatisfy { index in
                SortedTable.compare(SortedTable.key(slots[index - 1], blob), SortedTable.key(slots[index], blob)) < 0
            }
        }
    }
}

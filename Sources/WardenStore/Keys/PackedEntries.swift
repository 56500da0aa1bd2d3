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
    public var isEmpty: Bool { slots.isEmpty }

    /// Adds an entry whose key `writeKey` appends to the buffer (no key array of its own).
    mutating func append(key writeKey: (inout [UInt8]) -> Void, value: some Collection<UInt8>) {
        let offset = bytes.count
        writeKey(&bytes)
        let keyCount = bytes.count - offset
        bytes.append(contentsOf: value)
        slots.append(SortedTable.Slot(offset: offset, keyCount: UInt32(keyCount), valueCount: UInt32(value.count)))
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

import Foundation

/// One table of a ``MemoryTables``: keys in byte order with their values, packed. Every key and value lives in one
/// byte buffer and the order is an array of fixed-size slots pointing into it, so a lookup is a binary search
/// comparing bytes in place (no object per key to retain, release or chase), a bulk load is one merge, and the
/// whole table is a handful of allocations. Overwritten and deleted entries leave their bytes behind until they
/// are half the buffer; then it is rewritten in key order.
struct SortedTable: Sendable {
    /// Where an entry's key and value lie in ``bytes``: the key at `offset`, the value right after it.
    struct Slot: Sendable {
        var offset: Int
        var keyCount: UInt32
        var valueCount: UInt32

        var size: Int { Int(keyCount) + Int(valueCount) }
    }

    private var bytes: [UInt8] = []
    /// In key order.
    private var slots: [Slot] = []
    /// Bytes of ``bytes`` no slot points at.
    private var garbage = 0

    var count: Int { slots.count }

    /// Calls `body` with the value stored under `key`, or nil.
    func withValue<Result>(
        _ key: [UInt8], _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        try key.withUnsafeBufferPointer { key throws(StoreError) in try withValue(bytes: UnsafeRawBufferPointer(key), body) }
    }

    /// ``withValue(_:_:)`` for a key in borrowed memory.
    func withValue<Result>(
        bytes key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws(StoreError) -> Result
    ) throws(StoreError) -> Result {
        // Typed throws straight through: a `Result` of the caller's type would be generic metadata made at run
        // time on every lookup (the nested-group index looks up many per check).
        try bytes.withUnsafeBufferPointer { buffer throws(StoreError) in
            try slots.withUnsafeBufferPointer { slots throws(StoreError) in
                let blob = UnsafeRawBufferPointer(buffer)
                let (index, found) = Self.search(key, blob, slots)
                return try body(found ? Self.value(slots[index], blob) : nil)
            }
        }
    }

    /// Calls `body` with each entry whose key starts with `prefix`, from `start` (or the first), in key order,
    /// until it returns false.
    func scan(prefix: [UInt8], from start: [UInt8]?, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool) {
        prefix.withUnsafeBytes { prefix in
            (start ?? []).withUnsafeBytes { start in
                scan(bytes: prefix, seek: start.isEmpty ? prefix : start, body)
            }
        }
    }

    /// ``scan(prefix:from:_:)`` with the prefix and the first key to seek in borrowed memory.
    func scan(
        bytes prefix: UnsafeRawBufferPointer, seek: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) {
        bytes.withUnsafeBytes { blob in
            slots.withUnsafeBufferPointer { slots in
                var index = Self.search(seek, blob, slots).index
                while index < slots.count {
                    let slot = slots[index]
                    let key = Self.key(slot, blob)
                    guard key.count >= prefix.count, Self.compare(UnsafeRawBufferPointer(rebasing: key[..<prefix.count]), prefix) == 0
                    else { return }
                    guard body(key, Self.value(slot, blob)) else { return }
                    index += 1
                }
            }
        }
    }

    mutating func put(_ key: [UInt8], _ value: [UInt8]) {
        let (index, found) = position(of: key)
        let slot = append(key, value)
        if found {
            garbage += slots[index].size
            slots[index] = slot
        } else {
            slots.insert(slot, at: index)
        }
        compactIfWasteful()
    }

    /// ``put(_:_:)`` for many entries: a handful one by one, more sorted and merged with the table in one pass.
    mutating func putAll(_ entries: [KeyValueEntry]) {
        guard entries.count > 32 else {
            for entry in entries { put(entry.key, entry.value) }
            return
        }
        // Sorted, the last of equal keys kept (as one put after another would leave it); entries already in
        // strictly ascending order (the nested-group index's closure) are taken as they come.
        let ascending = entries.indices.dropFirst().allSatisfy { Self.compare(entries[$0 - 1].key, entries[$0].key) < 0 }
        let sorted = ascending ? [] : entries.indices.sorted { left, right in
            let order = Self.compare(entries[left].key, entries[right].key)
            return order < 0 || (order == 0 && left < right)
        }
        var merged: [Slot] = []
        merged.reserveCapacity(slots.count + entries.count)
        bytes.reserveCapacity(bytes.count + entries.reduce(0) { $0 + $1.key.count + $1.value.count })
        var old = 0
        entries.withUnsafeBufferPointer { entries in
            for position in entries.indices {
                let index = ascending ? position : sorted[position]
                // Strictly ascending entries repeat no key; otherwise the last of equal keys is the one kept.
                if !ascending, position + 1 < entries.count, Self.compare(entries[sorted[position + 1]].key, entries[index].key) == 0 {
                    continue
                }
                var order = 1
                while old < slots.count {
                    order = compare(slotAt: old, with: entries[index].key)
                    guard order < 0 else { break }
                    merged.append(slots[old])
                    old += 1
                }
                if old < slots.count, order == 0 {
                    garbage += slots[old].size
                    old += 1
                }
                merged.append(append(entries[index].key, entries[index].value))
            }
        }
        merged.append(contentsOf: slots[old...])
        slots = merged
        compactIfWasteful()
    }

    /// ``putAll(_:)`` for packed entries: taken as they lie (one copy of their bytes) when they are strictly
    /// ascending and all after the table's last key, as the nested-group index's closure is in a table without
    /// the family; otherwise merged entry by entry.
    mutating func putAll(_ packed: PackedEntries) {
        guard !packed.isEmpty else { return }
        let afterLast = slots.last.map { last in
            bytes.withUnsafeBytes { blob in
                packed.bytes.withUnsafeBytes { packedBlob in
                    Self.compare(Self.key(last, blob), Self.key(packed.slots[0], packedBlob)) < 0
                }
            }
        } ?? true
        guard afterLast, packed.isStrictlyAscending else { return putAll(packed.entries) }
        let shift = bytes.count
        bytes.append(contentsOf: packed.bytes)
        slots.append(contentsOf: packed.slots.lazy.map { Slot(offset: $0.offset + shift, keyCount: $0.keyCount, valueCount: $0.valueCount) })
    }

    mutating func delete(_ key: [UInt8]) -> Bool {
        let (index, found) = position(of: key)
        guard found else { return false }
        garbage += slots[index].size
        slots.remove(at: index)
        compactIfWasteful()
        return true
    }

    // MARK: Layout

    /// Appends an entry's bytes; its slot.
    private mutating func append(_ key: [UInt8], _ value: [UInt8]) -> Slot {
        let slot = Slot(offset: bytes.count, keyCount: UInt32(key.count), valueCount: UInt32(value.count))
        bytes.append(contentsOf: key)
        bytes.append(contentsOf: value)
        return slot
    }

    /// Rewrites the buffer in key order once dead bytes are half of it.
    private mutating func compactIfWasteful() {
        guard garbage > 4096, garbage * 2 > bytes.count else { return }
        var packed: [UInt8] = []
        packed.reserveCapacity(bytes.count - garbage)
        for index in slots.indices {
            let slot = slots[index]
            slots[index].offset = packed.count
            packed.append(contentsOf: bytes[slot.offset..<(slot.offset + slot.size)])
        }
        bytes = packed
        garbage = 0
    }

    private func position(of key: [UInt8]) -> (index: Int, found: Bool) {
        bytes.withUnsafeBytes { blob in key.withUnsafeBytes { key in slots.withUnsafeBufferPointer { Self.search(key, blob, $0) } } }
    }

    private func compare(slotAt index: Int, with key: [UInt8]) -> Int {
        bytes.withUnsafeBytes { blob in key.withUnsafeBytes { Self.compare(Self.key(slots[index], blob), $0) } }
    }

    /// The first slot whose key is not below `key`, and whether its key is `key`.
    private static func search(
        _ key: UnsafeRawBufferPointer, _ blob: UnsafeRawBufferPointer, _ slots: UnsafeBufferPointer<Slot>
    ) -> (index: Int, found: Bool) {
        var low = 0
        var high = slots.count
        while low < high {
            let middle = (low + high) / 2
            if compare(Self.key(slots[middle], blob), key) < 0 { low = middle + 1 } else { high = middle }
        }
        return (low, low < slots.count && compare(Self.key(slots[low], blob), key) == 0)
    }

    @inline(__always)
    static func key(_ slot: Slot, _ blob: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: blob[slot.offset..<(slot.offset + Int(slot.keyCount))])
    }

    @inline(__always)
    private static func value(_ slot: Slot, _ blob: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let start = slot.offset + Int(slot.keyCount)
        return UnsafeRawBufferPointer(rebasing: blob[start..<(start + Int(slot.valueCount))])
    }

    /// Byte order, a prefix first: negative, zero or positive.
    @inline(__always)
    static func compare(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Int {
        let common = min(lhs.count, rhs.count)
        if common > 0 {
            let order = memcmp(lhs.baseAddress!, rhs.baseAddress!, common)
            if order != 0 { return Int(order) }
        }
        return lhs.count - rhs.count
    }

    static func compare(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in compare(left, right) } }
    }
}

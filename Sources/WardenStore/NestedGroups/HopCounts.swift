/// How many descendants a group has at each hop count: its greatest hop count is how deep its nesting goes, which
/// decides where a check that finds no member would meet the depth limit. Stored as `(hops: 1 byte, count: 4
/// bytes big-endian)` pairs in hop order, only for counts above zero.
struct HopCounts: Equatable {
    private(set) var counts: [Int: Int] = [:]

    init() {}

    init(decoding bytes: UnsafeRawBufferPointer) throws(StoreError) {
        guard bytes.count % 5 == 0 else { throw StoreError(.corrupted, "a nested-group height record is truncated") }
        for offset in stride(from: 0, to: bytes.count, by: 5) {
            let count = bytes[(offset + 1)..<(offset + 5)].reduce(0) { $0 << 8 | Int($1) }
            counts[Int(bytes[offset])] = count
        }
    }

    var isEmpty: Bool { counts.isEmpty }

    /// The greatest hop count (0 for a group that holds none).
    var height: Int { counts.keys.max() ?? 0 }

    mutating func add(_ hops: Int, _ delta: Int) {
        let updated = (counts[hops] ?? 0) + delta
        counts[hops] = updated == 0 ? nil : updated
    }

    var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(counts.count * 5)
        for hops in counts.keys.sorted() {
            let count = UInt32(clamping: counts[hops]!)
            bytes.append(UInt8(hops))
            withUnsafeBytes(of: count.bigEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}

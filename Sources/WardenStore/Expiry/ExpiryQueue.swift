/// The store's expiring tuples in expiry order, in the ``Table/expiries`` table: `store ‖ expiry (8 bytes,
/// milliseconds since 1970, big-endian) ‖ the forward key after the store` → nothing. Written and removed with the
/// tuples; the sweeper reads it from the start up to now, and a snapshot reads its first entry after now to know
/// how long its answers hold.
enum ExpiryQueue {
    static func key(store: UInt32, expiry: UInt64, forward: some Collection<UInt8>) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(12 + forward.count)
        withUnsafeBytes(of: store.bigEndian) { key.append(contentsOf: $0) }
        withUnsafeBytes(of: expiry.bigEndian) { key.append(contentsOf: $0) }
        key.append(contentsOf: forward)
        return key
    }

    /// The queue key of a stored tuple (its forward key and value), or nil when it never expires.
    static func key(forward: [UInt8], value: [UInt8]) -> [UInt8]? {
        let expiry = value.withUnsafeBytes { KeyLayout.expiry(of: $0) }
        guard let expiry, forward.count > 4 else { return nil }
        let store = forward[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return key(store: store, expiry: expiry, forward: forward[4...])
    }

    static func expiry(ofKey key: UnsafeRawBufferPointer) -> UInt64 {
        guard key.count >= 12 else { return .max }
        return key[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// Whether any tuple of the store expires (expired or not).
    static func holdsAny(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> Bool {
        var found = false
        try reader.scan(prefix: KeyLayout.prefix(store: store), from: nil, in: .expiries) { _, _ in
            found = true
            return false
        }
        return found
    }

    /// The forward keys of the store's tuples that expired at or before `now`, oldest expiry first, at most `limit`.
    static func due(store: UInt32, now: UInt64, limit: Int, in reader: some OrderedKeyValueReader) throws(StoreError) -> [[UInt8]] {
        var due: [[UInt8]] = []
        let prefix = KeyLayout.prefix(store: store)
        try reader.scan(prefix: prefix, from: nil, in: .expiries) { key, _ in
            guard expiry(ofKey: key) <= now, due.count < limit else { return false }
            due.append(prefix + Array(key[12...]))
            return true
        }
        return due
    }
}

import Foundation

extension CheckCache {
    /// One shard's entries: keys as bytes in one arena, found through an open-addressed index (linear probing), and
    /// evicted with CLOCK once the shard is full.
    ///
    /// Every array holds plain values (integers, offsets, outcomes), so a lookup reads and compares bytes and never
    /// copies a stored key, and nothing here is reference-counted per entry. A slot's key stays in the arena until
    /// the slot is reused; the arena is compacted when the bytes of replaced keys outgrow the live ones.
    struct Table: Sendable {
        /// The most entries this table holds.
        let capacity: Int
        /// Per index position: a slot number, or -1 for none. A power of two, at least twice the entries held, so a
        /// probe always meets an empty position; it grows with the entries (a cache configured for millions does
        /// not take its full index before it holds them).
        private var index: [Int32]
        private var mask: Int
        /// Per slot: the key's hash, where its bytes lie in the arena and how many, its outcome, and the instant
        /// (milliseconds since 1970) from which that no longer holds (a tuple it may rest on expires then).
        private var hashes: [Int] = []
        private var offsets: [Int] = []
        private var lengths: [Int] = []
        private var outcomes: [Outcome] = []
        private var untils: [UInt64] = []
        /// Per slot: used since the CLOCK hand last passed.
        private var referenced: [Bool] = []
        private var hand = 0
        private var arena: [UInt8] = []
        /// Bytes of the arena that belong to keys in use.
        private var liveBytes = 0
        private(set) var lookups: UInt64 = 0
        private(set) var hits: UInt64 = 0

        /// - Parameter capacity: entries held at most, from 1 to 2^30 (a figure outside is taken as the nearest).
        init(capacity: Int) {
            self.capacity = min(max(1, capacity), 1 << 30)
            index = Array(repeating: -1, count: 16)
            mask = 15
        }

        /// The number of entries held.
        var count: Int { hashes.count }

        /// The index's positions (it grows with the entries held).
        var indexPositions: Int { index.count }

        /// The arena's size: the bytes of the keys held, and of replaced ones not yet compacted away.
        var arenaBytes: Int { arena.count }

        /// The outcome stored for `key`, unless it no longer holds at `now`.
        mutating func outcome(for key: UnsafeRawBufferPointer, hash: Int, now: UInt64) -> Outcome? {
            lookups &+= 1
            guard let slot = find(key, hash: hash).slot, now < untils[slot] else { return nil }
            hits &+= 1
            // Marked only when not yet: a hit on a marked entry writes nothing more.
            if !referenced[slot] { referenced[slot] = true }
            return outcomes[slot]
        }

        mutating func store(_ outcome: Outcome, for key: UnsafeRawBufferPointer, hash: Int, until: UInt64) {
            let (found, position) = find(key, hash: hash)
            if let slot = found {
                outcomes[slot] = outcome
                untils[slot] = until
                referenced[slot] = true
                return
            }
            guard count >= capacity else {
                var position = position
                if (count + 1) * 2 > index.count {
                    grow()
                    position = find(key, hash: hash).position
                }
                index[position] = Int32(count)
                hashes.append(hash)
                offsets.append(arena.count)
                lengths.append(key.count)
                arena.append(contentsOf: key)
                liveBytes += key.count
                outcomes.append(outcome)
                untils.append(until)
                referenced.append(false)
                return
            }
            // CLOCK: pass over entries used since the last sweep (clearing their mark), take the first unused.
            while referenced[hand] {
                referenced[hand] = false
                hand = (hand + 1) % capacity
            }
            let slot = hand
            hand = (hand + 1) % capacity
            remove(slot)
            liveBytes -= lengths[slot]
            if arena.count - liveBytes > max(liveBytes, 4_096) { compact(dropping: slot) }
            hashes[slot] = hash
            offsets[slot] = arena.count
            lengths[slot] = key.count
            arena.append(contentsOf: key)
            liveBytes += key.count
            outcomes[slot] = outcome
            untils[slot] = until
            referenced[slot] = false
            // The removal may have moved entries along the probe sequence, so the free position is looked up again.
            index[find(key, hash: hash).position] = Int32(slot)
        }

        /// The slot holding `key`, or nil and the empty index position where it would go.
        private func find(_ key: UnsafeRawBufferPointer, hash: Int) -> (slot: Int?, position: Int) {
            var position = hash & mask
            while true {
                let slot = Int(index[position])
                if slot < 0 { return (nil, position) }
                if hashes[slot] == hash, lengths[slot] == key.count, matches(slot, key) { return (slot, position) }
                position = (position + 1) & mask
            }
        }

        private func matches(_ slot: Int, _ key: UnsafeRawBufferPointer) -> Bool {
            guard key.count > 0 else { return true }
            return arena.withUnsafeBytes { stored in memcmp(stored.baseAddress! + offsets[slot], key.baseAddress!, key.count) == 0 }
        }

        /// Takes `slot` out of the index, moving later entries of its probe run back so every entry stays reachable
        /// from its home position (backward-shift deletion: no tombstones to accumulate).
        private mutating func remove(_ slot: Int) {
            var hole = hashes[slot] & mask
            while Int(index[hole]) != slot { hole = (hole + 1) & mask }
            var next = (hole + 1) & mask
            while index[next] >= 0 {
                let home = hashes[Int(index[next])] & mask
                // The entry at `next` may fill the hole if its home is not after the hole on the way to `next`.
                if (next - home) & mask >= (next - hole) & mask {
                    index[hole] = index[next]
                    hole = next
                }
                next = (next + 1) & mask
            }
            index[hole] = -1
        }

        /// Doubles the index and places every entry again from its stored hash.
        private mutating func grow() {
            let positions = index.count * 2
            index = Array(repeating: -1, count: positions)
            mask = positions - 1
            for slot in hashes.indices {
                var position = hashes[slot] & mask
                while index[position] >= 0 { position = (position + 1) & mask }
                index[position] = Int32(slot)
            }
        }

        /// Rewrites the arena with only the keys in use (slot order), dropping the bytes of replaced keys and of
        /// `victim`'s, which is being replaced.
        private mutating func compact(dropping victim: Int) {
            var packed: [UInt8] = []
            packed.reserveCapacity(liveBytes + liveBytes / 2)
            for slot in 0..<count where slot != victim {
                let start = offsets[slot]
                offsets[slot] = packed.count
                packed.append(contentsOf: arena[start..<start + lengths[slot]])
            }
            arena = packed
        }
    }
}

import WardenModel

extension CheckCache {
    /// Where an outcome is valid: one store and model, at one revision of the store (``TupleSnapshot/revision``,
    /// which every write to the store moves).
    struct Scope: Hashable {
        var store: PackedID
        var model: PackedID
        var version: UInt64

        init(store: String, model: PackedID, version: UInt64) {
            self.store = PackedID(store)
            self.model = model
            self.version = version
        }
    }

    /// An id of up to 31 bytes (every ULID) held in four words instead of a string: keys of concurrent checks
    /// then share no reference-counted storage, whose counts two cores would otherwise fight over on every lookup.
    /// Longer ids keep their string, compared by bytes all the same.
    struct PackedID: Hashable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var long: String?

        init(_ id: String) {
            let packed: (UInt64, UInt64, UInt64, UInt64)? = id.utf8.withContiguousStorageIfAvailable { bytes in
                guard bytes.count < 32 else { return nil }
                var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, UInt64(bytes.count) << 56)
                withUnsafeMutableBytes(of: &words) { raw in raw.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
                return words
            } ?? nil
            if let packed { words = packed } else { long = id }
        }

        static func == (lhs: PackedID, rhs: PackedID) -> Bool {
            lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
                && lhs.words.3 == rhs.words.3 && lhs.long == rhs.long
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
            if let long { hasher.combine(long) }
        }
    }

    /// A cache key as bytes: the scope, then the subproblem's names and ids, each string length-prefixed, so two
    /// keys have equal bytes exactly when their stores, models, versions and every name and id are byte-equal.
    ///
    /// The shards keep these bytes, not `String`s: a lookup compares them with `memcmp` and copies no stored key,
    /// so a hit takes no reference count on storage that another core's hit also counts (every id longer than 15
    /// bytes, every ULID among them, is such storage).
    enum KeyBytes {
        /// Runs `body` on the key of `problem` in `scope`, built in a temporary buffer (on the stack when small); nil
        /// when a string is too long to length-prefix (over 4 GiB), which is then never cached.
        static func with<Result>(_ scope: Scope, _ problem: Subproblem, _ body: (UnsafeRawBufferPointer) -> Result) -> Result? {
            guard let length = length(scope, problem) else { return nil }
            return withUnsafeTemporaryAllocation(byteCount: length, alignment: 8) { buffer in
                var writer = Writer(buffer: buffer)
                writer.write(scope.store)
                writer.write(scope.model)
                writer.write(scope.version)
                writer.write(problem.object)
                writer.write(problem.relation)
                switch problem.user {
                case .object(let object):
                    writer.write(UInt8(0))
                    writer.write(object)
                case .wildcard(let type):
                    writer.write(UInt8(1))
                    writer.write(type)
                case .userset(let object, let relation):
                    writer.write(UInt8(2))
                    writer.write(object)
                    writer.write(relation)
                }
                precondition(writer.position == length, "a cache key's length was computed wrongly")
                return body(UnsafeRawBufferPointer(buffer))
            }
        }

        /// The key's byte count, or nil when a string does not fit a 32-bit length.
        static func length(_ scope: Scope, _ problem: Subproblem) -> Int? {
            var strings = problem.object.type.utf8.count + problem.object.id.utf8.count + problem.relation.utf8.count
            var prefixed = 3
            switch problem.user {
            case .object(let object): strings += object.type.utf8.count + object.id.utf8.count; prefixed += 2
            case .wildcard(let type): strings += type.utf8.count; prefixed += 1
            case .userset(let object, let relation):
                strings += object.type.utf8.count + object.id.utf8.count + relation.utf8.count
                prefixed += 3
            }
            guard strings <= Int(UInt32.max) else { return nil }
            return length(scope.store) + length(scope.model) + 8 + prefixed * 4 + strings + 1
        }

        private static func length(_ id: PackedID) -> Int {
            guard let long = id.long else { return 1 + 32 }
            return 1 + 4 + long.utf8.count
        }

        /// Appends fixed-width values and length-prefixed strings to a buffer sized for them.
        private struct Writer {
            let buffer: UnsafeMutableRawBufferPointer
            var position = 0

            mutating func write<Value: FixedWidthInteger>(_ value: Value) {
                buffer.storeBytes(of: value.littleEndian, toByteOffset: position, as: Value.self)
                position += MemoryLayout<Value>.size
            }

            mutating func write(_ id: PackedID) {
                if let long = id.long {
                    write(UInt8(1))
                    write(long)
                } else {
                    write(UInt8(0))
                    write(id.words.0)
                    write(id.words.1)
                    write(id.words.2)
                    write(id.words.3)
                }
            }

            mutating func write(_ object: ObjectRef) {
                write(object.type)
                write(object.id)
            }

            mutating func write(_ string: String) {
                let count = string.utf8.count
                write(UInt32(truncatingIfNeeded: count))
                let target = buffer.baseAddress! + position
                let copied: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
                    if count > 0 { target.copyMemory(from: bytes.baseAddress!, byteCount: count) }
                }
                if copied == nil {
                    for (offset, byte) in string.utf8.enumerated() { target.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
                }
                position += count
            }
        }
    }
}

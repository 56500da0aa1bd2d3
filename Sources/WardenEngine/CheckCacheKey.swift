import WardenModel

extension CheckCache {
    /// Where an outcome is valid: one store and model, at one revision of the store (``TupleSnapshot/revision``,
    /// which every write to the store moves).
    struct Scope {
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
    struct PackedID: Equatable {
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
            var counter = Counter()
            fields(scope, problem, into: &counter)
            guard counter.fits else { return nil }
            return withUnsafeTemporaryAllocation(byteCount: counter.count, alignment: 8) { buffer in
                var writer = Writer(buffer: buffer)
                fields(scope, problem, into: &writer)
                return body(UnsafeRawBufferPointer(buffer))
            }
        }

        /// The key's fields in order, given to `sink`: the one place the layout is spelled, for counting and writing.
        private static func fields(_ scope: Scope, _ problem: Subproblem, into sink: inout some Sink) {
            sink.id(scope.store)
            sink.id(scope.model)
            sink.integer(scope.version)
            sink.object(problem.object)
            sink.string(problem.relation)
            switch problem.user {
            case .object(let object):
                sink.integer(UInt8(0))
                sink.object(object)
            case .wildcard(let type):
                sink.integer(UInt8(1))
                sink.string(type)
            case .userset(let object, let relation):
                sink.integer(UInt8(2))
                sink.object(object)
                sink.string(relation)
            }
        }

        /// What a key's fields go to.
        fileprivate protocol Sink {
            mutating func integer<Value: FixedWidthInteger>(_ value: Value)
            /// A string, after its 32-bit length.
            mutating func string(_ string: String)
        }

        /// Counts a key's bytes, and whether every string's length fits its prefix.
        private struct Counter: Sink {
            var count = 0
            var fits = true

            mutating func integer<Value: FixedWidthInteger>(_ value: Value) { count += MemoryLayout<Value>.size }

            mutating func string(_ string: String) {
                let length = string.utf8.count
                if length > Int(UInt32.max) { fits = false }
                count += 4 + length
            }
        }

        /// Writes a key's fields into a buffer the ``Counter`` sized.
        private struct Writer: Sink {
            let buffer: UnsafeMutableRawBufferPointer
            var position = 0

            mutating func integer<Value: FixedWidthInteger>(_ value: Value) {
                buffer.storeBytes(of: value.littleEndian, toByteOffset: position, as: Value.self)
                position += MemoryLayout<Value>.size
            }

            mutating func string(_ string: String) {
                let count = string.utf8.count
                integer(UInt32(truncatingIfNeeded: count))
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

fileprivate extension CheckCache.KeyBytes.Sink {
    /// A packed id as a 0 and its four words; a long one as a 1 and its string.
    mutating func id(_ id: CheckCache.PackedID) {
        if let long = id.long {
            integer(UInt8(1))
            string(long)
        } else {
            integer(UInt8(0))
            integer(id.words.0)
            integer(id.words.1)
            integer(id.words.2)
            integer(id.words.3)
        }
    }

    mutating func object(_ object: ObjectRef) {
        string(object.type)
        string(object.id)
    }
}

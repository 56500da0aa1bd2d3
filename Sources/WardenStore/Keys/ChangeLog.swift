import WardenModel

/// The changelog in store format 2: one entry per revision, `store ‖ revision` → `time ‖ record…`, where a record
/// is `operation ‖ the forward key after the store ‖ condition length ‖ condition` (the length in LEB128, the
/// operation 1 for a write and 2 for a delete). A batch's changes sit together in one value (LMDB keeps a large one
/// in contiguous overflow pages), so a change costs its own bytes and no key. A change is named by its revision and
/// its position in the revision (the sequence), as continuation tokens name it.
enum ChangeLog {
    static func key(store: UInt32, revision: UInt64) -> [UInt8] {
        var encoder = KeyEncoder(store: store)
        encoder.append(revision)
        return encoder.bytes
    }

    /// One revision's value, built change by change.
    struct Builder {
        private(set) var bytes: [UInt8]
        private(set) var count: UInt32 = 0

        init(time: UInt64) {
            bytes = TupleTables.bytes(time)
        }

        /// Appends a change; `forward` is the whole forward key (with the store number).
        mutating func append(_ operation: TupleChange.Operation, forward: [UInt8], condition: [UInt8]) {
            forward.withUnsafeBytes { forward in
                condition.withUnsafeBytes { condition in append(operation, forward: forward, condition: condition) }
            }
        }

        /// ``append(_:forward:condition:)`` from borrowed memory (a packed batch).
        mutating func append(_ operation: TupleChange.Operation, forward: UnsafeRawBufferPointer, condition: UnsafeRawBufferPointer) {
            bytes.append(operation == .write ? 1 : 2)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: forward.dropFirst(4)))
            var length = condition.count
            repeat {
                bytes.append(UInt8(length & 0x7F) | (length >= 0x80 ? 0x80 : 0))
                length >>= 7
            } while length > 0
            bytes.append(contentsOf: condition)
            count += 1
        }
    }

    /// Calls `body` with each change of one revision's value, in order, until it returns false.
    /// - Parameter first: the first change to decode: those before it are stepped over without decoding their
    ///   tuples (a page that resumes in the middle of a 25,000-change import batch reads on from there).
    static func forEachChange(
        in value: UnsafeRawBufferPointer, names: Names, from first: UInt32 = 0,
        _ body: (_ sequence: UInt32, _ operation: TupleChange.Operation, _ time: UInt64, RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError) {
        var decoder = KeyDecoder(value)
        let time = try decoder.uint64()
        var sequence: UInt32 = 0
        while sequence < first, !decoder.isAtEnd {
            _ = try decoder.byte()
            // A forward key: object type, id, relation, user type, user relation, user id; then the condition.
            _ = try decoder.nameNumber()
            try decoder.skipField()
            for _ in 0..<3 { _ = try decoder.nameNumber() }
            try decoder.skipField()
            _ = try decoder.bytes(count: try decoder.length())
            sequence += 1
        }
        while !decoder.isAtEnd {
            let operation: TupleChange.Operation
            switch try decoder.byte() {
            case 1: operation = .write
            case 2: operation = .delete
            case let other: throw StoreError(.corrupted, "a change record has unknown operation \(other)")
            }
            let key = try KeyLayout.decodeForward(&decoder, names: names)
            let tuple = try KeyLayout.tuple(key, value: try decoder.bytes(count: try decoder.length()), names: names)
            guard try body(sequence, operation, time, tuple) else { return }
            sequence += 1
        }
    }
}

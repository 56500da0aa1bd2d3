import Foundation
import WardenModel

extension TupleTables {
    /// Applies `batch` to store `store` inside one write transaction: deletes first, then writes, each logged in
    /// the changelog under the next revision. Throws before the caller commits, so a failing batch changes nothing.
    static func apply(
        _ batch: WriteBatch, store: UInt32, now: Date, in writer: some KeyValueWriter
    ) throws(StoreError) -> WriteOutcome {
        try rejectDuplicates(in: batch)
        let current = try revision(store: store, in: writer)
        let next = current.rawValue + 1
        let time = now.milliseconds
        var sequence: UInt32 = 0
        var deleted = 0

        func log(_ operation: TupleChange.Operation, _ forward: [UInt8], _ condition: [UInt8]) throws(StoreError) {
            var value: [UInt8] = [operation == .write ? 1 : 2]
            value += bytes(time)
            value += forward.dropFirst(4)
            value += condition
            try writer.put(KeyLayout.changeKey(store: store, revision: next, sequence: sequence), value, in: .changes)
            sequence += 1
        }

        for key in batch.deletes {
            let forward = try KeyLayout.forwardKey(store: store, key)
            guard let existing = try writer.get(forward, in: .forward) else {
                if batch.onMissing == .ignore { continue }
                throw StoreError(
                    .tupleNotFound,
                    "cannot delete a tuple which does not exist: user: '\(key.user)', relation: '\(key.relation)', "
                        + "object: '\(key.object)': invalid write input")
            }
            try writer.delete(forward, in: .forward)
            try writer.delete(KeyLayout.reverseKey(store: store, key), in: .reverse)
            try log(.delete, forward, existing)
            deleted += 1
        }
        for tuple in batch.writes {
            let forward = try KeyLayout.forwardKey(store: store, tuple.key)
            let condition = try KeyLayout.encodeCondition(tuple.condition)
            if let existing = try writer.get(forward, in: .forward) {
                if batch.onDuplicate == .ignore, existing == condition { continue }
                throw StoreError(
                    .tupleExists,
                    "cannot write a tuple which already exists: user: '\(tuple.key.user)', relation: "
                        + "'\(tuple.key.relation)', object: '\(tuple.key.object)': tuple to be written already existed"
                        + (batch.onDuplicate == .ignore ? " with a different condition" : ""))
            }
            try writer.put(forward, condition, in: .forward)
            try writer.put(KeyLayout.reverseKey(store: store, tuple.key), condition, in: .reverse)
            try log(.write, forward, condition)
        }
        guard sequence > 0 else { return WriteOutcome(revision: current, written: 0, deleted: 0) }
        try writer.put(KeyLayout.metaKey(store: store, "revision"), bytes(next), in: .meta)
        return WriteOutcome(revision: Revision(rawValue: next), written: Int(sequence) - deleted, deleted: deleted)
    }

    private static func rejectDuplicates(in batch: WriteBatch) throws(StoreError) {
        var seen = Set<TupleKey>()
        for key in batch.deletes + batch.writes.map(\.key) where !seen.insert(key).inserted {
            throw StoreError(
                .duplicateInBatch,
                "duplicate tuple in write: user: '\(key.user)', relation: '\(key.relation)', object: '\(key.object)'")
        }
    }
}

import Foundation
import WardenModel

extension TupleTables {
    /// Applies `batch` to store `store` inside one write transaction: deletes first, then writes, each logged in
    /// the changelog under the next revision. Throws before the caller commits, so a failing batch changes nothing.
    static func apply(
        _ batch: WriteBatch, store: UInt32, now: Date, in writer: some KeyValueWriter, dictionary: NameDictionary
    ) throws(StoreError) -> WriteOutcome {
        try apply(prepare(batch, store: store, names: dictionary.names(store: store, in: writer)), now: now, in: writer, dictionary: dictionary)
    }

    /// The batch's keys encoded and sorted, and repetitions refused: the part of a write that needs no
    /// transaction, so an import prepares the next batch while the previous one commits. When the batch uses a
    /// name `names` lacks, only the missing names are found: ``apply(_:now:in:dictionary:)`` interns them and
    /// prepares again inside its transaction.
    static func prepare(_ batch: WriteBatch, store: UInt32, names: Names) throws(StoreError) -> PreparedWrites {
        var numbering = RecentNames(names)
        var deleteKeys: [[UInt8]] = []
        var encoded: [(forward: [UInt8], condition: [UInt8])] = []
        deleteKeys.reserveCapacity(batch.deletes.count)
        encoded.reserveCapacity(batch.writes.count)
        var complete = true
        for key in batch.deletes {
            guard let forward = try KeyLayout.forwardKey(store: store, key, numbering: &numbering) else {
                complete = false
                break
            }
            deleteKeys.append(forward)
        }
        if complete {
            switch encode(batch.writes, store: store, names: names) {
            case .encoded(let keys): encoded = keys
            case .missingName: complete = false
            case .failed(let error): throw error
            }
        }
        guard complete else {
            var missing: [String] = []
            var seen: Set<ByteString> = []
            var known = RecentNames(names)
            // A batch names a handful of types and relations, each thousands of times: a name already found
            // missing is skipped before any lookup (the missing scanned while few, then hashed), and the store's
            // names are looked up through the last few found.
            func note(_ name: String) {
                if missing.count < 16 {
                    guard !missing.contains(where: { $0.bytesEqual(name) }) else { return }
                } else {
                    if seen.isEmpty { seen = Set(missing.map(ByteString.init)) }
                    guard !seen.contains(ByteString(name)) else { return }
                }
                guard known.number(name) == nil else { return }
                missing.append(name)
                if !seen.isEmpty { seen.insert(ByteString(name)) }
            }
            func note(_ key: TupleKey) {
                let user = KeyLayout.userFields(key.user)
                note(key.object.type)
                note(key.relation)
                note(user.type)
                note(user.relation)
            }
            for key in batch.deletes { note(key) }
            for tuple in batch.writes {
                note(tuple.key)
                if let condition = tuple.condition { note(condition.name) }
            }
            return PreparedWrites(batch: batch, store: store, names: names, missing: missing, deleteKeys: [], encoded: [], byForward: [], reverse: [])
        }
        // Key order, and batch order among equal keys (so a repetition is found where it first occurs); the
        // reverse keys sorted on the other core meanwhile, for a large batch.
        let (byForward, reversed) = bothAtOnce(when: encoded.count >= 2 * Self.writesPerShare, { [encoded] in
            encoded.indices.sorted { left, right in
                let (a, b) = (encoded[left].forward, encoded[right].forward)
                let order = a.compareBytes(b)
                return order < 0 || (order == 0 && left < right)
            }
        }, { [encoded] in
            Result { () throws(StoreError) in
                try encoded.indices.map { index throws(StoreError) in
                    (key: try KeyLayout.reverseKey(forward: encoded[index].forward), index: index)
                }.sorted { $0.key.compareBytes($1.key) < 0 }
            }
        })
        try rejectDuplicates(in: batch, deleteKeys: deleteKeys, writeKeys: encoded.map(\.forward), writeOrder: byForward)
        let reverse = try reversed.get()
        return PreparedWrites(
            batch: batch, store: store, names: names, missing: [], deleteKeys: deleteKeys, encoded: encoded, byForward: byForward, reverse: reverse)
    }

    /// The fewest writes a thread encodes on its own: a batch of two shares or more is encoded, and sorted, on the
    /// machine's cores.
    static let writesPerShare = 512

    /// How encoding a batch's writes ended: every key, or stopped at the first name the store lacks, or at the
    /// first error (a key too long), whichever comes first in the batch.
    enum Encoding: Sendable {
        case encoded([(forward: [UInt8], condition: [UInt8])])
        case missingName
        case failed(StoreError)
    }

    /// The writes' forward keys and values, in batch order; a large batch in shares on the machine's cores, each
    /// with its own recent names, ending as one pass would (the first share that did not finish decides).
    static func encode(_ writes: [RelationshipTuple], store: UInt32, names: Names) -> Encoding {
        let parts = writes.mapSharesOnCores(minimumShare: writesPerShare) { share -> Encoding in
            var numbering = RecentNames(names)
            var keys: [(forward: [UInt8], condition: [UInt8])] = []
            keys.reserveCapacity(share.count)
            do throws(StoreError) {
                for tuple in share {
                    guard let forward = try KeyLayout.forwardKey(store: store, tuple.key, numbering: &numbering),
                        let condition = KeyLayout.encodeValue(tuple, names: names)
                    else { return .missingName }
                    keys.append((forward, condition))
                }
            } catch {
                return .failed(error)
            }
            return .encoded(keys)
        }
        var all: [(forward: [UInt8], condition: [UInt8])] = []
        all.reserveCapacity(writes.count)
        for part in parts {
            guard case .encoded(let keys) = part else { return part }
            all += keys
        }
        return .encoded(all)
    }

    /// Applies a prepared batch (see ``prepare(_:store:names:)``) inside one write transaction, interning the names
    /// it lacked first.
    static func apply(
        _ prepared: PreparedWrites, now: Date, in writer: some KeyValueWriter, dictionary: NameDictionary
    ) throws(StoreError) -> WriteOutcome {
        var prepared = prepared
        if !prepared.missing.isEmpty {
            // Read before this transaction interns anything, so only committed names are shared.
            let names = try dictionary.names(store: prepared.store, in: writer)
            let missing = prepared.missing.filter { names.number($0) == nil }
            let grown = missing.isEmpty ? names : try NameDictionary.intern(missing, after: names, store: prepared.store, in: writer)
            prepared = try prepare(prepared.batch, store: prepared.store, names: grown)
        }
        let batch = prepared.batch
        let store = prepared.store
        let deleteKeys = prepared.deleteKeys
        let encoded = prepared.encoded
        let byForward = prepared.byForward
        let current = try revision(store: store, in: writer)
        let next = current.rawValue + 1
        let time = now.milliseconds
        var log = ChangeLog.Builder(time: time)
        var deleted = 0
        // Tuples written or deleted that may nest groups (no condition; maybe an expiry): the nested-group index
        // looks for nesting among them.
        var nesting: [NestedGroupIndex.Change] = []
        /// A stored tuple's end (deleted, or replaced after it expired): logged, its expiry dequeued, and its nesting
        /// handed to the index.
        func ended(_ forward: [UInt8], _ existing: [UInt8]) throws(StoreError) {
            log.append(.delete, forward: forward, condition: existing)
            if let queued = ExpiryQueue.key(forward: forward, value: existing) { try writer.delete(queued, in: .expiries) }
            if NestedGroupIndex.mayNest(existing) { nesting.append(.init(forward: forward, value: existing, written: false)) }
            deleted += 1
        }

        for (key, forward) in zip(batch.deletes, deleteKeys) {
            guard let existing = try writer.get(forward, in: .forward) else {
                if batch.onMissing == .ignore { continue }
                throw StoreError(
                    .tupleNotFound,
                    "cannot delete a tuple which does not exist: user: '\(key.user)', relation: '\(key.relation)', "
                        + "object: '\(key.object)': invalid write input")
            }
            try writer.delete(forward, in: .forward)
            // The forward key exists, so every name of the tuple is interned.
            try writer.delete(KeyLayout.reverseKey(forward: forward), in: .reverse)
            try ended(forward, existing)
        }
        // Writes are checked and stored in key order (sorted keys touch each B-tree page once per batch, not once per
        // tuple), and logged in batch order. An error names the first failing tuple in batch order, as before.
        var skipped = [Bool](repeating: false, count: encoded.count)
        var firstFailure: Int?
        // One descent each: stored when absent; when present, the stored condition decides.
        let found = try writer.insertAll(byForward.map { KeyValueEntry(key: encoded[$0].forward, value: encoded[$0].condition) }, in: .forward)
        for (index, existing) in zip(byForward, found) {
            guard let existing else { continue }
            if existing.withUnsafeBytes({ KeyLayout.expired($0, at: time) }) {
                // The stored one has expired (not swept yet): it is replaced, its end logged as a delete first.
                try writer.put(encoded[index].forward, encoded[index].condition, in: .forward)
                try ended(encoded[index].forward, existing)
                continue
            }
            if batch.onDuplicate == .ignore, existing == encoded[index].condition {
                skipped[index] = true
            } else {
                firstFailure = min(firstFailure ?? index, index)
            }
        }
        if let failure = firstFailure {
            let tuple = batch.writes[failure]
            throw StoreError(
                .tupleExists,
                "cannot write a tuple which already exists: user: '\(tuple.key.user)', relation: "
                    + "'\(tuple.key.relation)', object: '\(tuple.key.object)': tuple to be written already existed"
                    + (batch.onDuplicate == .ignore ? " with a different condition" : ""))
        }
        try writer.putAll(
            prepared.reverse.compactMap { entry in skipped[entry.index] ? nil : KeyValueEntry(key: entry.key, value: encoded[entry.index].condition) },
            in: .reverse)
        for index in encoded.indices where !skipped[index] {
            let (forward, value) = encoded[index]
            log.append(.write, forward: forward, condition: value)
            if let queued = ExpiryQueue.key(forward: forward, value: value) { try writer.put(queued, [], in: .expiries) }
            if NestedGroupIndex.mayNest(value) { nesting.append(.init(forward: forward, value: value, written: true)) }
        }
        guard log.count > 0 else { return WriteOutcome(revision: current, written: 0, deleted: 0) }
        if nesting.contains(where: { NestingFamily.edge(forward: $0.forward) != nil }), try NestedGroupIndex.isOn(store: store, in: writer) {
            try NestedGroupIndex.update(changed: nesting, in: writer)
        }
        try writer.put(ChangeLog.key(store: store, revision: next), log.bytes, in: .changes)
        try writer.put(KeyLayout.metaKey(store: store, "revision"), bytes(next), in: .meta)
        return WriteOutcome(revision: Revision(rawValue: next), written: Int(log.count) - deleted, deleted: deleted)
    }

    /// Deletes the store's tuples that expired at or before `now` (at most `limit`), as a batch of deletes: each
    /// is logged in the changelog, the indexes follow. Returns what it did (revision unchanged when none was due).
    static func sweepExpired(
        store: UInt32, now: Date, limit: Int, in writer: some KeyValueWriter, dictionary: NameDictionary
    ) throws(StoreError) -> WriteOutcome {
        let due = try ExpiryQueue.due(store: store, now: now.milliseconds, limit: limit, in: writer)
        guard !due.isEmpty else { return WriteOutcome(revision: try revision(store: store, in: writer), written: 0, deleted: 0) }
        let names = try dictionary.names(store: store, in: writer)
        var keys: [TupleKey] = []
        for forward in due {
            let decoded: Result<TupleKey, StoreError> = forward.withUnsafeBytes { buffer in
                Result { () throws(StoreError) in try KeyLayout.decode(buffer, in: .forward, names: names) }
            }
            keys.append(try decoded.get())
        }
        var batch = WriteBatch(deletes: keys)
        batch.onMissing = .ignore
        return try apply(batch, store: store, now: now, in: writer, dictionary: dictionary)
    }

    /// A tuple named twice in one batch (deleted twice, written twice, or deleted and written) refuses the batch,
    /// naming the first repetition in batch order. Found on the sorted forward keys (one key per tuple), not by
    /// hashing each tuple.
    private static func rejectDuplicates(
        in batch: WriteBatch, deleteKeys: [[UInt8]], writeKeys: [[UInt8]], writeOrder: [Int]
    ) throws(StoreError) {
        // Positions in batch order: deletes first, then writes.
        var repeated: Int?
        func scan(_ sorted: [(key: [UInt8], position: Int)]) {
            for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.key == next.key {
                repeated = min(repeated ?? max(previous.position, next.position), max(previous.position, next.position))
            }
        }
        if deleteKeys.isEmpty {
            scan(writeOrder.map { (writeKeys[$0], deleteKeys.count + $0) })
        } else {
            let all = deleteKeys.enumerated().map { ($1, $0) } + writeKeys.enumerated().map { ($1, deleteKeys.count + $0) }
            scan(all.sorted { let order = $0.0.compareBytes($1.0); return order < 0 || (order == 0 && $0.1 < $1.1) })
        }
        guard let repeated else { return }
        let key = repeated < batch.deletes.count ? batch.deletes[repeated] : batch.writes[repeated - batch.deletes.count].key
        throw StoreError(
            .duplicateInBatch, "duplicate tuple in write: user: '\(key.user)', relation: '\(key.relation)', object: '\(key.object)'")
    }
}

/// A write batch whose keys are encoded and sorted and whose repetitions are refused, ready for a transaction on
/// the store it was prepared for.
public struct PreparedWrites: Sendable {
    let batch: WriteBatch
    /// The store's number when prepared; applying checks it still names the same store.
    let store: UInt32
    /// The names the keys were encoded with.
    let names: Names
    /// Names the store had not interned when prepared (then no key is encoded yet).
    let missing: [String]
    let deleteKeys: [[UInt8]]
    let encoded: [(forward: [UInt8], condition: [UInt8])]
    let byForward: [Int]
    let reverse: [(key: [UInt8], index: Int)]

    /// Tuples the batch writes.
    public var writeCount: Int { batch.writes.count }
}

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
    /// transaction, so an import prepares the next batch while the previous one commits. When the batch uses names
    /// `names` lacks, the keys are encoded with the numbers interning them next would give (``Names/adding(_:)``);
    /// ``apply(_:now:in:dictionary:)`` interns them in its transaction, and prepares again there only if the store
    /// interned other names meanwhile.
    static func prepare(_ batch: WriteBatch, store: UInt32, names: Names) throws(StoreError) -> PreparedWrites {
        let prepared = try prepare(batch, store: store, names: names, missing: [])
        guard !prepared.missing.isEmpty else { return prepared }
        return try prepare(batch, store: store, names: names.adding(prepared.missing), missing: prepared.missing)
    }

    /// ``prepare(_:store:names:)`` with `names` already holding `missing`, the names to intern before the keys are
    /// stored; a batch using a name `names` lacks comes back with only its missing names (no key encoded).
    private static func prepare(_ batch: WriteBatch, store: UInt32, names: Names, missing: [String]) throws(StoreError) -> PreparedWrites {
        var numbering = RecentNames(names)
        var deleteKeys: [[UInt8]] = []
        var encoded = PackedEntries()
        deleteKeys.reserveCapacity(batch.deletes.count)
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
            case .encoded(let entries): encoded = entries
            case .missingName: complete = false
            case .failed(let error): throw error
            }
        }
        guard complete else {
            return PreparedWrites(
                batch: batch, store: store, names: names, missing: missingNames(batch, names: names), encoded: false, deleteKeys: [],
                forward: PackedEntries(), forwardOrigin: [], reverse: PackedEntries(), reverseOrigin: [])
        }
        // Key order, and batch order among equal keys (so a repetition is found where it first occurs); the
        // reverse keys made and sorted on the other core meanwhile, for a large batch.
        let (byForward, reversed) = bothAtOnce(when: encoded.count >= 2 * Self.writesPerShare, { [encoded] in
            encoded.keyOrder()
        }, { [encoded] in
            Result { () throws(StoreError) in
                var reverse = PackedEntries()
                reverse.reserveCapacity(entries: encoded.count, bytes: encoded.byteCount)
                var failure: StoreError?
                encoded.forEach { forward, value in
                    guard failure == nil else { return }
                    do throws(StoreError) {
                        _ = try reverse.append(key: { bytes throws(StoreError) in
                            try KeyLayout.appendReverseKey(forward: forward, to: &bytes)
                            return true
                        }, value: value)
                    } catch {
                        failure = error
                    }
                }
                if let failure { throw failure }
                let order = reverse.keyOrder()
                return (entries: reverse.reordered(order), origin: order)
            }
        })
        let forward = encoded.reordered(byForward)
        try rejectDuplicates(in: batch, deleteKeys: deleteKeys, writes: forward, origin: byForward)
        let reverse = try reversed.get()
        return PreparedWrites(
            batch: batch, store: store, names: names, missing: missing, encoded: true, deleteKeys: deleteKeys, forward: forward,
            forwardOrigin: byForward, reverse: reverse.entries, reverseOrigin: reverse.origin)
    }

    /// The names `batch` uses that `names` lacks, each once, in the order first used; a large batch's writes
    /// looked through in shares on the machine's cores.
    static func missingNames(_ batch: WriteBatch, names: Names) -> [String] {
        var missing = MissingNames(names)
        for key in batch.deletes { missing.note(key) }
        let parts = batch.writes.mapSharesOnCores(minimumShare: writesPerShare) { share in
            var part = MissingNames(names)
            for tuple in share { part.note(tuple) }
            return part.found
        }
        for part in parts {
            for name in part { missing.note(name) }
        }
        return missing.found
    }

    /// The fewest writes a thread encodes on its own: a batch of two shares or more is encoded, and sorted, on the
    /// machine's cores.
    static let writesPerShare = 512

    /// How encoding a batch's writes ended: every key, or stopped at the first name the store lacks, or at the
    /// first error (a key too long), whichever comes first in the batch.
    enum Encoding: Sendable {
        /// Each write's forward key and stored value, in batch order.
        case encoded(PackedEntries)
        case missingName
        case failed(StoreError)
    }

    /// The writes' forward keys and values, in batch order; a large batch in shares on the machine's cores, each
    /// with its own recent names, ending as one pass would (the first share that did not finish decides).
    static func encode(_ writes: [RelationshipTuple], store: UInt32, names: Names) -> Encoding {
        let parts = writes.mapSharesOnCores(minimumShare: writesPerShare) { share -> Encoding in
            var numbering = RecentNames(names)
            var keys = PackedEntries()
            keys.reserveCapacity(entries: share.count, bytes: share.count * 48)
            do throws(StoreError) {
                for tuple in share {
                    guard let value = KeyLayout.encodeValue(tuple, names: names) else {
                        // The condition's name is missing; a key too long still comes first, as it did.
                        _ = try KeyLayout.forwardKey(store: store, tuple.key, numbering: &numbering)
                        return .missingName
                    }
                    guard try keys.append(key: { bytes throws(StoreError) in
                        try KeyLayout.appendForwardKey(store: store, tuple.key, numbering: &numbering, to: &bytes)
                    }, value: value)
                    else { return .missingName }
                }
            } catch {
                return .failed(error)
            }
            return .encoded(keys)
        }
        guard parts.count != 1 else { return parts[0] }
        var all = PackedEntries()
        for part in parts {
            guard case .encoded(let keys) = part else { return part }
            all.append(contentsOf: keys)
        }
        return .encoded(all)
    }

    /// Applies a prepared batch (see ``prepare(_:store:names:)``) inside one write transaction, interning the names
    /// it lacked first.
    static func apply(
        _ prepared: PreparedWrites, now: Date, in writer: some KeyValueWriter, dictionary: NameDictionary
    ) throws(StoreError) -> WriteOutcome {
        var prepared = prepared
        if !prepared.missing.isEmpty || !prepared.encoded {
            // Read before this transaction interns anything, so only committed names are shared.
            let names = try dictionary.names(store: prepared.store, in: writer)
            if prepared.encoded, names.count == prepared.names.count - prepared.missing.count {
                // Nothing interned since: interning the missing names gives them the numbers the keys hold.
                _ = try NameDictionary.intern(prepared.missing, after: names, store: prepared.store, in: writer)
            } else {
                let missing = prepared.missing.filter { names.number($0) == nil }
                let grown = missing.isEmpty ? names : try NameDictionary.intern(missing, after: names, store: prepared.store, in: writer)
                prepared = try prepare(prepared.batch, store: prepared.store, names: grown, missing: [])
                guard prepared.encoded else {
                    throw StoreError(.storage, "a batch still names a name its store lacks after interning its names")
                }
            }
        }
        let batch = prepared.batch
        let store = prepared.store
        let deleteKeys = prepared.deleteKeys
        let forward = prepared.forward
        let origin = prepared.forwardOrigin
        let current = try revision(store: store, in: writer)
        let next = current.rawValue + 1
        let time = now.milliseconds
        var log = ChangeLog.Builder(time: time)
        var deleted = 0
        // Tuples written or deleted that nest groups: the nested-group index follows them.
        var nesting: [NestedGroupIndex.Change] = []
        /// A stored tuple's end (deleted, or replaced after it expired): logged, its expiry dequeued, and its nesting
        /// handed to the index.
        func ended(_ forward: [UInt8], _ existing: [UInt8]) throws(StoreError) {
            log.append(.delete, forward: forward, condition: existing)
            if let queued = ExpiryQueue.key(forward: forward, value: existing) { try writer.delete(queued, in: .expiries) }
            if NestedGroupIndex.mayNest(existing), NestingFamily.edge(forward: forward) != nil {
                nesting.append(.init(forward: forward, value: existing, written: false))
            }
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
        // tuple; new keys past a table's last are appended), and logged in batch order. An error names the first
        // failing tuple in batch order, as before.
        var skipped: [Bool] = []
        var firstFailure: Int?
        // One descent each at most: stored when absent; when present, the stored condition decides.
        for (position, existing) in try writer.insertAll(forward, in: .forward) {
            let index = origin[position]
            let (key, value) = forward.withEntry(at: position) { (Array($0), Array($1)) }
            if existing.withUnsafeBytes({ KeyLayout.expired($0, at: time) }) {
                // The stored one has expired (not swept yet): it is replaced, its end logged as a delete first.
                try writer.put(key, value, in: .forward)
                try ended(key, existing)
                continue
            }
            if batch.onDuplicate == .ignore, existing == value {
                if skipped.isEmpty { skipped = Array(repeating: false, count: forward.count) }
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
        if skipped.isEmpty {
            try writer.putAll(prepared.reverse, in: .reverse)
        } else {
            try writer.putAll(prepared.reverse.filter { !skipped[prepared.reverseOrigin[$0]] }, in: .reverse)
        }
        // Batch order: where each write lies in key order.
        var positions = [Int](repeating: 0, count: origin.count)
        for (position, index) in origin.enumerated() { positions[index] = position }
        for index in positions.indices where skipped.isEmpty || !skipped[index] {
            try forward.withEntry(at: positions[index]) { key, value throws(StoreError) in
                log.append(.write, forward: key, condition: value)
                if KeyLayout.expiry(of: value) != nil, let queued = ExpiryQueue.key(forward: Array(key), value: Array(value)) {
                    try writer.put(queued, [], in: .expiries)
                }
                if NestedGroupIndex.mayNest(value), NestingFamily.edge(forward: key) != nil {
                    nesting.append(.init(forward: Array(key), value: Array(value), written: true))
                }
            }
        }
        guard log.count > 0 else { return WriteOutcome(revision: current, written: 0, deleted: 0) }
        if !nesting.isEmpty, try NestedGroupIndex.isOn(store: store, in: writer) {
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
        in batch: WriteBatch, deleteKeys: [[UInt8]], writes: PackedEntries, origin: [Int]
    ) throws(StoreError) {
        // Positions in batch order: deletes first, then writes.
        var repeated: Int?
        func note(_ previous: Int, _ next: Int) {
            repeated = min(repeated ?? max(previous, next), max(previous, next))
        }
        // Writes in key order: a repetition lies beside what it repeats (an import's batch holds a million).
        for position in writes.isEmpty ? 0..<0 : 1..<writes.count where writes.sameKey(position - 1, position) {
            note(deleteKeys.count + origin[position - 1], deleteKeys.count + origin[position])
        }
        if !deleteKeys.isEmpty {
            var all = deleteKeys.enumerated().map { ($1, $0) }
            var position = 0
            writes.forEach { key, _ in
                all.append((Array(key), deleteKeys.count + origin[position]))
                position += 1
            }
            let sorted = all.sorted { let order = $0.0.compareBytes($1.0); return order < 0 || (order == 0 && $0.1 < $1.1) }
            for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.0 == next.0 { note(previous.1, next.1) }
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
    /// The names the keys were encoded with (the store's and, numbered after them, the missing ones).
    let names: Names
    /// Names the store had not interned when prepared, to intern before the keys are stored.
    let missing: [String]
    /// Whether the keys are encoded (else the batch names a name `names` lacks).
    let encoded: Bool
    let deleteKeys: [[UInt8]]
    /// Each write's forward key and stored value, in key order, packed (a million writes are a few allocations).
    let forward: PackedEntries
    /// The batch position of each entry of ``forward``.
    let forwardOrigin: [Int]
    /// Each write's reverse key and stored value, in key order.
    let reverse: PackedEntries
    /// The batch position of each entry of ``reverse``.
    let reverseOrigin: [Int]

    /// Tuples the batch writes.
    public var writeCount: Int { batch.writes.count }

    /// From this many writes on, a batch is an import's: its room is made before its transaction.
    static let largeBatch = 10_000

    /// A generous bound on what the batch adds to a store: each tuple's key and value in the forward and reverse
    /// tables and the changelog, on pages that may be half full, copied once on write.
    var estimatedBytes: Int {
        guard !forward.isEmpty else { return batch.writes.count * 1_024 }
        return (forward.byteCount + 16 * forward.count) * 3 * 2 * 2
    }
}

/// Names a batch uses that a store's dictionary lacks, each once, in the order first noted.
private struct MissingNames {
    private(set) var found: [String] = []
    private var seen: Set<ByteString> = []
    private var known: RecentNames
    /// The last tuple's names: consecutive tuples mostly repeat their types and relations.
    private var previous: (type: String, relation: String, userType: String, userRelation: String)?

    init(_ names: Names) { known = RecentNames(names) }

    /// A batch names a handful of types and relations, each thousands of times: a name already found missing is
    /// skipped before any lookup (the missing scanned while few, then hashed), and the store's names are looked
    /// up through the last few found.
    mutating func note(_ name: String) {
        if found.count < 16 {
            guard !found.contains(where: { $0.bytesEqual(name) }) else { return }
        } else {
            if seen.isEmpty { seen = Set(found.map(ByteString.init)) }
            guard !seen.contains(ByteString(name)) else { return }
        }
        guard known.number(name) == nil else { return }
        found.append(name)
        if !seen.isEmpty { seen.insert(ByteString(name)) }
    }

    mutating func note(_ key: TupleKey) {
        let user = KeyLayout.userFields(key.user)
        if let previous, previous.type.bytesEqual(key.object.type), previous.relation.bytesEqual(key.relation),
            previous.userType.bytesEqual(user.type), previous.userRelation.bytesEqual(user.relation)
        {
            return
        }
        note(key.object.type)
        note(key.relation)
        note(user.type)
        note(user.relation)
        previous = (key.object.type, key.relation, user.type, user.relation)
    }

    mutating func note(_ tuple: RelationshipTuple) {
        note(tuple.key)
        if let condition = tuple.condition { note(condition.name) }
    }
}

import WardenModel

/// One atomic change to a store: OpenFGA's `Write(deletes, writes)`. Deletes apply first, then writes; either the
/// whole batch commits under one new revision or nothing does.
public struct WriteBatch: Hashable, Sendable {
    /// What to do when a written tuple already exists.
    public enum OnDuplicate: String, Hashable, Sendable {
        /// Fail the batch (OpenFGA's default).
        case error
        /// Skip the tuple when it exists with the same condition; a different condition still fails.
        case ignore
    }

    /// What to do when a deleted tuple does not exist.
    public enum OnMissing: String, Hashable, Sendable {
        /// Fail the batch (OpenFGA's default).
        case error
        /// Skip the delete.
        case ignore
    }

    /// Tuples to add.
    public var writes: [RelationshipTuple]
    /// Tuples to remove, by key.
    public var deletes: [TupleKey]
    public var onDuplicate: OnDuplicate
    public var onMissing: OnMissing

    public init(
        writes: [RelationshipTuple] = [], deletes: [TupleKey] = [], onDuplicate: OnDuplicate = .error,
        onMissing: OnMissing = .error
    ) {
        self.writes = writes
        self.deletes = deletes
        self.onDuplicate = onDuplicate
        self.onMissing = onMissing
    }

    /// Whether the batch changes nothing.
    public var isEmpty: Bool { writes.isEmpty && deletes.isEmpty }
}

/// What a committed ``WriteBatch`` changed: the revision after it, and how many tuples it wrote and deleted
/// (tuples skipped by `.ignore` are not counted).
public struct WriteOutcome: Hashable, Sendable {
    public var revision: Revision
    public var written: Int
    public var deleted: Int

    public init(revision: Revision, written: Int, deleted: Int) {
        self.revision = revision
        self.written = written
        self.deleted = deleted
    }
}

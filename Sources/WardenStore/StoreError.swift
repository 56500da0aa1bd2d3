/// Why a store operation failed: a closed code plus a message naming what and where.
///
/// Messages name stores, models and tuples (the caller's own data) but never a condition's context values.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of failure callers act on.
    public enum Code: String, Hashable, Sendable {
        /// No store has the given id.
        case storeNotFound = "store_id_not_found"
        /// No authorization model has the given id in the store, or the store has none.
        case modelNotFound = "authorization_model_not_found"
        /// A write names a tuple that already exists (and `onDuplicate` is `error`, or its condition differs).
        case tupleExists = "write_failed_due_to_invalid_input"
        /// A delete names a tuple that does not exist (and `onMissing` is `error`).
        case tupleNotFound = "tuple_not_found"
        /// The batch names the same tuple twice.
        case duplicateInBatch = "duplicate_tuple_in_request"
        /// A tuple cannot be stored: an id holds a byte keys reserve, or its key is longer than LMDB allows.
        case invalidTuple = "invalid_tuple"
        /// A continuation token is malformed or belongs to another query.
        case invalidContinuationToken = "invalid_continuation_token"
        /// A store name or other argument is invalid.
        case invalidArgument = "validation_error"
        /// The data on disk is not what Warden wrote (truncated, corrupted, or another program's file).
        case corrupted = "corrupted_data"
        /// The data directory is in a store format this binary does not read (an older one: `warden migrate`).
        case formatMismatch = "store_format_mismatch"
        /// LMDB failed (disk full, permissions, map limit).
        case storage = "storage_error"
    }

    /// What kind of failure.
    public var code: Code
    /// A sentence naming what failed and where.
    public var message: String
    /// The LMDB failure underneath, when there is one.
    public var lmdb: LMDBError?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Wraps an LMDB failure, classifying corruption apart from other storage errors.
    init(_ error: LMDBError) {
        switch error.code {
        case .corrupted, .invalidFile: self.init(.corrupted, "the data file is damaged or not a Warden store: \(error)")
        default: self.init(.storage, "storage failed: \(error)")
        }
        lmdb = error
    }
}

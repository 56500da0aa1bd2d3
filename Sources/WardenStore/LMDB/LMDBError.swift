import CLMDB
import Foundation

/// An error from LMDB: which operation failed and LMDB's return code, with LMDB's own explanation.
public struct LMDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// LMDB's return codes that callers act on; anything else is `.other`.
    public enum Code: Hashable, Sendable {
        /// A key/data pair already exists (`MDB_KEYEXIST`).
        case keyExists
        /// The environment's map is full (`MDB_MAP_FULL`); writes grow the map and retry.
        case mapFull
        /// The map was resized by another process (`MDB_MAP_RESIZED`).
        case mapResized
        /// Too many named databases (`MDB_DBS_FULL`).
        case databasesFull
        /// Too many readers (`MDB_READERS_FULL`).
        case readersFull
        /// The transaction has too many dirty pages (`MDB_TXN_FULL`).
        case transactionFull
        /// A key or value is too large (`MDB_BAD_VALSIZE`), or another invalid argument (`EINVAL`).
        case invalidArgument
        /// The file is not an LMDB file, or its version does not match (`MDB_INVALID`, `MDB_VERSION_MISMATCH`).
        case invalidFile
        /// The data file is corrupted (`MDB_CORRUPTED`, `MDB_PAGE_NOTFOUND`).
        case corrupted
        /// The path does not exist or cannot be accessed (`ENOENT`, `EACCES`).
        case noAccess
        /// Out of disk space or memory (`ENOSPC`, `ENOMEM`).
        case outOfSpace
        /// Any other code.
        case other
    }

    /// The classified code.
    public var code: Code
    /// LMDB's raw return code.
    public var rawCode: Int32
    /// The LMDB call that failed, e.g. `mdb_put`.
    public var operation: String
    /// Warden's own explanation, when it detected the problem itself (LMDB's text is used otherwise).
    public var detail: String?

    public init(rawCode: Int32, operation: String, detail: String? = nil) {
        self.rawCode = rawCode
        self.operation = operation
        self.detail = detail
        self.code = switch rawCode {
        case MDB_KEYEXIST: .keyExists
        case MDB_MAP_FULL: .mapFull
        case MDB_MAP_RESIZED: .mapResized
        case MDB_DBS_FULL: .databasesFull
        case MDB_READERS_FULL: .readersFull
        case MDB_TXN_FULL: .transactionFull
        case MDB_BAD_VALSIZE, EINVAL: .invalidArgument
        case MDB_INVALID, MDB_VERSION_MISMATCH: .invalidFile
        case MDB_CORRUPTED, MDB_PAGE_NOTFOUND: .corrupted
        case ENOENT, EACCES: .noAccess
        case ENOSPC, ENOMEM: .outOfSpace
        default: .other
        }
    }

    public var description: String {
        "\(operation) failed: \(detail ?? String(cString: mdb_strerror(rawCode))) (code \(rawCode))"
    }

    /// Throws when `result` is not `MDB_SUCCESS`.
    @inline(__always)
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
        if result != MDB_SUCCESS { throw LMDBError(rawCode: result, operation: operation()) }
    }
}

import Dispatch
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import WardenStore

/// Bulk loading with `COPY … FROM STDIN`: rows stream to the server in PostgreSQL's text format, without a
/// statement to plan or an array to unpack per batch.
///
/// postgres-nio offers `COPY` only as an `async` function. Warden's store API is synchronous, so the copy runs as a
/// task whose executor is a queue of its own (``CopyExecutor``), never Swift's cooperative pool, and the calling
/// thread waits for it: a caller that is itself on the cooperative pool cannot starve the task it waits for.
enum PostgresCopy {
    /// The executor every copy task runs on.
    static let executor = CopyExecutor()

    /// `(k, v)` rows in `COPY`'s text format: each `bytea` as `\\x` and hex digits (the backslash doubled, as
    /// the text format escapes it), tab between columns, newline after each row.
    static func textRows(_ entries: some Collection<KeyValueEntry>) -> ByteBuffer {
        let bytes = entries.reduce(0) { $0 + 8 + 2 * ($1.key.count + $1.value.count) }
        var buffer = ByteBufferAllocator().buffer(capacity: bytes)
        for entry in entries {
            append(entry.key, to: &buffer)
            buffer.writeInteger(UInt8(ascii: "\t"))
            append(entry.value, to: &buffer)
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return buffer
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func append(_ bytes: [UInt8], to buffer: inout ByteBuffer) {
        buffer.writeStaticString("\\\\x")
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 2 * bytes.count) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = hexDigits[Int(byte >> 4)]
                out[2 * index + 1] = hexDigits[Int(byte & 0x0F)]
            }
            return 2 * bytes.count
        }
    }

    /// Copies `rows` (see ``textRows(_:)``) into `table`'s `(k, v)` on `connection`, inside its transaction, and
    /// waits until the server has taken them all.
    /// - Returns: false when a key was already there (SQLSTATE 23505): nothing was copied, and the transaction is
    ///   failed until the caller rolls back to a savepoint taken before.
    /// - Throws: ``StoreError`` as the server words any other failure.
    static func copy(_ rows: ByteBuffer, into table: String, on connection: PostgresConnection, logger: Logger) throws(StoreError) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<(any Error)??>(nil)
        Task(executorPreference: executor) {
            do {
                try await connection.copyFrom(table: table, columns: ["k", "v"], logger: logger) { writer in
                    try await writer.write(rows)
                }
                outcome.withLock { $0 = .some(nil) }
            } catch {
                outcome.withLock { $0 = .some(error) }
            }
            done.signal()
        }
        done.wait()
        guard let failure = outcome.withLock({ $0 }) ?? nil else { return true }
        if PostgresFailure.sqlState(failure) == "23505" { return false }
        throw PostgresFailure.storeError(failure, doing: "COPY into \(table)")
    }
}

/// Runs tasks on one serial dispatch queue of its own: async work that a blocked synchronous caller waits for
/// (see ``PostgresCopy``).
final class CopyExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "warden.postgres.copy")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

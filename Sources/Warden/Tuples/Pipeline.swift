import Foundation

/// Two stages on two threads: `produce` runs on a thread of its own and hands chunks to `consume`, which runs on
/// the calling thread, with at most `depth` chunks waiting. An import parses on one core while the other
/// validates or writes.
///
/// Either stage's error stops both and is rethrown here (the consumer's first); chunks are consumed in the order
/// produced.
enum Pipeline {
    /// Thrown into `emit` once the consumer has stopped, so the producer unwinds.
    struct Stopped: Error {}

    /// The queue between the stages.
    private final class Channel<Chunk>: @unchecked Sendable {
        let condition = NSCondition()
        var chunks: [Chunk] = []
        var finished = false
        var stopped = false
        var failure: (any Error)?
    }

    static func run<Chunk>(
        depth: Int = 2, produce: @escaping (_ emit: (Chunk) throws -> Void) throws -> Void, consume: (Chunk) throws -> Void
    ) throws {
        let channel = Channel<Chunk>()
        nonisolated(unsafe) let producer = produce
        let thread = Thread {
            do {
                try producer { chunk in
                    channel.condition.lock()
                    defer { channel.condition.unlock() }
                    while channel.chunks.count >= depth && !channel.stopped { channel.condition.wait() }
                    if channel.stopped { throw Stopped() }
                    channel.chunks.append(chunk)
                    channel.condition.broadcast()
                }
            } catch is Stopped {
            } catch {
                channel.condition.lock()
                channel.failure = error
                channel.condition.unlock()
            }
            channel.condition.lock()
            channel.finished = true
            channel.condition.broadcast()
            channel.condition.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
        var consumerError: (any Error)?
        while true {
            channel.condition.lock()
            while channel.chunks.isEmpty && !channel.finished { channel.condition.wait() }
            if channel.chunks.isEmpty {
                channel.condition.unlock()
                break
            }
            let chunk = channel.chunks.removeFirst()
            channel.condition.broadcast()
            channel.condition.unlock()
            do {
                try consume(chunk)
            } catch {
                consumerError = error
                break
            }
        }
        // Stop the producer (if still running) and wait for it to finish before returning.
        channel.condition.lock()
        channel.stopped = true
        channel.condition.broadcast()
        while !channel.finished { channel.condition.wait() }
        let producerError = channel.failure
        channel.condition.unlock()
        if let consumerError { throw consumerError }
        if let producerError { throw producerError }
    }
}

import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map(transform)`, computed in one contiguous share per core when the array holds at least `minimumShare`
    /// elements per share (large store and tuple files): the same values in the same order, and when elements fail,
    /// the error of the first failing one, as `map` throws it.
    public func mapOnCores<T: Sendable, Failure: Error>(
        minimumShare: Int = 512, _ transform: @Sendable (Element) throws(Failure) -> T
    ) throws(Failure) -> [T] {
        let shares = Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / Swift.max(minimumShare, 1))
        guard shares > 1 else { return try map(transform) }
        var parts = [Result<[T], Failure>](repeating: .success([]), count: shares)
        parts.withUnsafeMutableBufferPointer { buffer in
            // Each share writes its own element only.
            nonisolated(unsafe) let parts = buffer
            DispatchQueue.concurrentPerform(iterations: shares) { share in
                let range = count * share / shares..<count * (share + 1) / shares
                parts[share] = Result { () throws(Failure) -> [T] in try self[range].map(transform) }
            }
        }
        var values: [T] = []
        values.reserveCapacity(count)
        for part in parts { values += try part.get() }
        return values
    }
}

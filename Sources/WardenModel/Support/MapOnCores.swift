import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map(transform)`, computed on the machine's cores in contiguous shares of at least `minimumShare` elements
    /// (large store and tuple files): the same values in the same order, and when elements fail, the error of the
    /// first failing one, as `map` throws it. Up to four shares per core, taken by whichever thread is free, so one
    /// slow share does not leave the other cores idle.
    public func mapOnCores<T: Sendable, Failure: Error>(
        minimumShare: Int = 512, _ transform: @Sendable (Element) throws(Failure) -> T
    ) throws(Failure) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let shares = Swift.min(4 * cores, count / Swift.max(minimumShare, 1))
        guard cores > 1, shares > 1 else { return try map(transform) }
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

/// `(first(), second())`, the two computed at once on two cores when `when` holds and the machine has them.
public func bothAtOnce<A: Sendable, B: Sendable>(
    when worthIt: Bool = true, _ first: @Sendable () -> A, _ second: @Sendable () -> B
) -> (A, B) {
    guard worthIt, ProcessInfo.processInfo.activeProcessorCount > 1 else { return (first(), second()) }
    var a: A?
    var b: B?
    withUnsafeMutablePointer(to: &a) { a in
        withUnsafeMutablePointer(to: &b) { b in
            // Each iteration writes its own result only.
            nonisolated(unsafe) let (a, b) = (a, b)
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                if index == 0 { a.pointee = first() } else { b.pointee = second() }
            }
        }
    }
    return (a!, b!)
}

/// Drops the caller's reference to a large tree of values (a store file's YAML and JSON, thousands of nodes) on
/// another thread, so freeing it overlaps the work that follows instead of coming before it.
public func releaseInBackground<Value: Sendable>(_ value: consuming Value) {
    guard ProcessInfo.processInfo.activeProcessorCount > 1 else { return }
    DispatchQueue.global(qos: .utility).async { [value] in _ = value }
}

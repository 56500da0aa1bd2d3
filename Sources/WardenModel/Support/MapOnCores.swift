import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// How many contiguous shares of at least `minimumShare` elements the array is cut into on this machine: up to
    /// four per core (taken by whichever thread is free, so one slow share does not leave the other cores idle);
    /// one on a single core or for a short array.
    private func shareCount(minimumShare: Int) -> Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores > 1 else { return 1 }
        return Swift.max(1, Swift.min(4 * cores, count / Swift.max(minimumShare, 1)))
    }

    /// `transform` of each contiguous share of the array (see ``shareCount(minimumShare:)``), computed on the
    /// machine's cores, in share order: for work that keeps scratch state per share (the whole array as one share
    /// when it is short).
    public func mapSharesOnCores<T: Sendable>(minimumShare: Int, _ transform: @Sendable (ArraySlice<Element>) -> T) -> [T] {
        let shares = shareCount(minimumShare: minimumShare)
        guard shares > 1 else { return [transform(self[...])] }
        var parts = [T?](repeating: nil, count: shares)
        parts.withUnsafeMutableBufferPointer { buffer in
            // Each share writes its own element only.
            nonisolated(unsafe) let parts = buffer
            DispatchQueue.concurrentPerform(iterations: shares) { share in
                parts[share] = transform(self[count * share / shares..<count * (share + 1) / shares])
            }
        }
        return parts.map { $0! }
    }

    /// `map(transform)`, computed on the machine's cores in contiguous shares of at least `minimumShare` elements
    /// (large store and tuple files): the same values in the same order, and when elements fail, the error of the
    /// first failing one, as `map` throws it.
    public func mapOnCores<T: Sendable, Failure: Error>(
        minimumShare: Int = 512, _ transform: @Sendable (Element) throws(Failure) -> T
    ) throws(Failure) -> [T] {
        guard shareCount(minimumShare: minimumShare) > 1 else { return try map(transform) }
        let parts = mapSharesOnCores(minimumShare: minimumShare) { share in
            Result { () throws(Failure) -> [T] in try share.map(transform) }
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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// One value per thread for one owner (a store's snapshot factory, a model cache): what every check reads, kept
/// where no other thread writes. A lock, or a reference count on an object all threads share, is a write to memory
/// another core holds: on two cores the checks then queue on that cache line instead of running side by side.
///
/// Each thread keeps the values of its last ``ownersPerThread`` owners (found by a number no owner shares, never
/// by address); a thread's values go when it exits, an owner's when its threads evict them. A value must not hold
/// a resource that must be released with its owner.
public final class PerThread<Value>: @unchecked Sendable {
    /// How many owners' values a thread keeps before it evicts the least recently added.
    public static var ownersPerThread: Int { 16 }

    private let owner: UInt64
    private let make: () -> Value

    /// - Parameter make: the value a thread starts with.
    public init(_ make: @escaping () -> Value) {
        owner = PerThreadSlots.nextOwner.add(1, ordering: .relaxed).newValue
        self.make = make
    }

    /// Runs `body` on this thread's value.
    @inline(__always)
    public func withValue<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        let slots = PerThreadSlots.current
        let box: Box
        if let found = slots.find(owner) {
            box = unsafeDowncast(found, to: Box.self)
        } else {
            box = Box(make())
            slots.insert(owner, box, limit: Self.ownersPerThread)
        }
        return try body(&box.value)
    }

    private final class Box {
        var value: Value
        init(_ value: Value) { self.value = value }
    }
}

/// One thread's values, by owner number: a few entries, scanned.
final class PerThreadSlots {
    static let nextOwner = Atomic<UInt64>(0)

    private var owners: [UInt64] = []
    private var values: [AnyObject] = []
    private var next = 0

    /// Released when the thread exits.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<PerThreadSlots>.fromOpaque(pointer).release()
        }
        precondition(created == 0, "pthread_key_create failed: \(created)")
        return key
    }()

    @inline(__always)
    static var current: PerThreadSlots {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<PerThreadSlots>.fromOpaque(pointer).takeUnretainedValue()
        }
        let slots = PerThreadSlots()
        pthread_setspecific(key, Unmanaged.passRetained(slots).toOpaque())
        return slots
    }

    @inline(__always)
    func find(_ owner: UInt64) -> AnyObject? {
        var index = 0
        while index < owners.count {
            if owners[index] == owner { return values[index] }
            index += 1
        }
        return nil
    }

    func insert(_ owner: UInt64, _ value: AnyObject, limit: Int) {
        if owners.count < limit {
            owners.append(owner)
            values.append(value)
        } else {
            owners[next] = owner
            values[next] = value
            next = (next + 1) % limit
        }
    }
}

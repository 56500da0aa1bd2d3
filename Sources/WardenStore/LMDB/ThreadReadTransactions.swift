import CLMDB
import Foundation
import Synchronization

/// Each thread's own reset read transaction of one environment, renewed for each read: a read then takes no
/// lock and writes no memory another thread writes (a shared pool of transactions was a mutex and an array that
/// every read on every core wrote, twice). Every such transaction is registered, so closing the environment
/// aborts them all first; a thread that exits (or evicts the environment's slot) aborts its own.
///
/// Resizing the map needs every transaction of the process closed. A read on a thread's own transaction keeps the
/// resizer out with a flag of its own instead of the environment's shared lock (whose counter every read on every
/// core wrote): the reader raises its flag, then looks whether a resize is under way (and if so lowers it and
/// takes the shared lock instead); the resizer says it is resizing, then waits until every flag is down. Both in
/// sequentially consistent order, so one of them always sees the other.
final class ThreadReadTransactions: @unchecked Sendable {
    /// Up while its thread reads on its own transaction.
    final class ReaderFlag: Sendable {
        let reading = Atomic<Bool>(false)
    }

    /// One thread's transaction: nil until the thread's first read; `inUse` while a read on the thread runs in it
    /// (a read nested in another takes a pooled transaction instead).
    final class Slot {
        fileprivate let registry: Registry
        fileprivate let flag = ReaderFlag()
        fileprivate(set) var handle: OpaquePointer?
        var inUse = false

        fileprivate init(registry: Registry) {
            self.registry = registry
            registry.add(flag)
        }

        deinit {
            registry.remove(flag)
            if let handle { registry.abort(handle) }
        }
    }

    /// The transactions threads hold, and whether the environment closed.
    fileprivate final class Registry: @unchecked Sendable {
        private let lock = NSLock()
        private var open: Set<OpaquePointer> = []
        private var closed = false
        private var flags: [ObjectIdentifier: ReaderFlag] = [:]

        func add(_ flag: ReaderFlag) { lock.withLock { flags[ObjectIdentifier(flag)] = flag } }
        func remove(_ flag: ReaderFlag) { lock.withLock { flags[ObjectIdentifier(flag)] = nil } }
        var allFlags: [ReaderFlag] { lock.withLock { Array(flags.values) } }

        func register(_ handle: OpaquePointer) -> Bool {
            lock.withLock {
                guard !closed else { return false }
                open.insert(handle)
                return true
            }
        }

        /// Aborts a thread's transaction unless closing the environment already did.
        func abort(_ handle: OpaquePointer) {
            lock.withLock {
                guard open.remove(handle) != nil else { return }
                mdb_txn_abort(handle)
            }
        }

        func closeAll() {
            lock.withLock {
                closed = true
                for handle in open { mdb_txn_abort(handle) }
                open.removeAll()
            }
        }
    }

    private let registry: Registry
    private let slots: PerThread<Slot>
    private let resizing = Atomic<Bool>(false)

    init() {
        let registry = Registry()
        self.registry = registry
        slots = PerThread { Slot(registry: registry) }
    }

    /// This thread's slot.
    @inline(__always)
    var slot: Slot { slots.withValue { $0 } }

    /// The slot's transaction renewed, or begun on the thread's first read (`begin`); nil when the environment
    /// is closing.
    func renew(_ slot: Slot, begin: () throws(LMDBError) -> OpaquePointer) throws(LMDBError) -> OpaquePointer? {
        if let handle = slot.handle {
            if mdb_txn_renew(handle) == MDB_SUCCESS { return handle }
            slot.handle = nil
            registry.abort(handle)
        }
        let handle = try begin()
        guard registry.register(handle) else {
            mdb_txn_abort(handle)
            return nil
        }
        slot.handle = handle
        return handle
    }

    /// Raises the slot's flag unless a resize is under way (then the caller reads under the shared lock).
    @inline(__always)
    func enter(_ slot: Slot) -> Bool {
        slot.flag.reading.store(true, ordering: .sequentiallyConsistent)
        guard !resizing.load(ordering: .sequentiallyConsistent) else {
            slot.flag.reading.store(false, ordering: .releasing)
            return false
        }
        return true
    }

    @inline(__always)
    func leave(_ slot: Slot) {
        slot.flag.reading.store(false, ordering: .releasing)
    }

    /// Keeps readers off their own transactions and waits for those reading to finish. The caller holds the
    /// environment's lock exclusively (which keeps out every other read and write).
    func stopReaders() {
        resizing.store(true, ordering: .sequentiallyConsistent)
        for flag in registry.allFlags {
            while flag.reading.load(ordering: .sequentiallyConsistent) { sched_yield() }
        }
    }

    func resumeReaders() {
        resizing.store(false, ordering: .releasing)
    }

    /// Aborts every thread's transaction: before the environment closes, when no read runs.
    func closeAll() { registry.closeAll() }
}

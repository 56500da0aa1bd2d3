import WardenModel

/// One thread's entries for the stores it used lately (kept in a ``PerThread``): up to ``limit``, found by a scan of
/// the thread's own copies of the store ids, byte for byte; past the limit the least recently added is replaced.
/// An entry may start as values every thread shares; once it has been used ``ownCopyAfter`` times the thread makes
/// its own copy, whose reference counts no other core writes, so a thread cycling through more stores than it keeps
/// never copies per use.
public struct RecentStores<Entry> {
    /// Stores a thread keeps before it replaces the least recently added.
    public static var limit: Int { 8 }
    /// Uses of a shared entry before the thread makes its own copy.
    public static var ownCopyAfter: Int { 64 }

    private var stores: [String] = []
    private var entries: [Entry] = []
    /// Uses of a shared entry so far; -1 once it is the thread's own.
    private var uses: [Int] = []
    private var next = 0

    public init() {}

    /// Where `store`'s entry is, if the thread keeps one.
    public func index(of store: String) -> Int? {
        var index = 0
        while index < stores.count {
            if stores[index].bytesEqual(store) { return index }
            index += 1
        }
        return nil
    }

    /// The entry at `index`, read in place.
    public subscript(index: Int) -> Entry {
        _read { yield entries[index] }
    }

    /// The entry at `index`, counted as one use: at the ``ownCopyAfter``th, replaced by `ownCopy` of it for good.
    public mutating func use(_ index: Int, ownCopy: (Entry) -> Entry) -> Entry {
        if uses[index] >= 0 {
            uses[index] += 1
            if uses[index] >= Self.ownCopyAfter {
                entries[index] = ownCopy(entries[index])
                uses[index] = -1
            }
        }
        return entries[index]
    }

    /// Replaces the entry at `index`. `keepingUses`: the new entry derives from the old one (an own copy stays the
    /// thread's own, a shared one keeps counting); otherwise it starts as a shared one.
    public mutating func replace(_ index: Int, with entry: Entry, keepingUses: Bool) {
        entries[index] = entry
        if !keepingUses { uses[index] = 0 }
    }

    /// Adds a shared entry for a store the thread does not keep yet.
    public mutating func add(_ store: String, _ entry: Entry) {
        // The thread's own copy of the id: the caller's string may be one every thread holds.
        let own = String(decoding: Array(store.utf8), as: UTF8.self)
        if stores.count < Self.limit {
            stores.append(own)
            entries.append(entry)
            uses.append(0)
        } else {
            stores[next] = own
            entries[next] = entry
            uses[next] = 0
            next = (next + 1) % Self.limit
        }
    }
}

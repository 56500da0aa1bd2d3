import Foundation
import WardenModel

/// The names one store has interned (types, relations, user relations, condition names), in store format 2: each
/// name is stored once per store under a small number, and keys hold the number. Immutable; a grown dictionary is a
/// new value. Numbers start at 1 (0 is "no user relation"), are given out in order, and never change or get reused
/// while the store exists, so a number read once stays right.
final class Names: Sendable {
    /// Name → number, by bytes: names that differ only by Unicode normalisation (a JSON model may define types
    /// `K` and `K`, the Kelvin sign) are different names with different numbers.
    private let numbers: NameTable<UInt32>
    /// Number → name; index 0 is the empty name.
    let names: [String]

    private init(numbers: NameTable<UInt32>, names: [String]) {
        self.numbers = numbers
        self.names = names
    }

    /// No names.
    convenience init() { self.init(numbers: NameTable(), names: [""]) }

    /// How many names are interned.
    var count: Int { names.count - 1 }

    /// The number of `name`; nil when the store holds no tuple that uses it. The empty name is 0.
    @inline(__always)
    func number(_ name: String) -> UInt32? {
        name.isEmpty ? 0 : numbers[name]
    }

    /// The name numbered `number`.
    /// - Throws: ``StoreError`` `.corrupted` when no name has that number.
    @inline(__always)
    func name(_ number: UInt32) throws(StoreError) -> String {
        guard Int(number) < names.count else { throw StoreError(.corrupted, "a stored key names an unknown name #\(number)") }
        return names[Int(number)]
    }

    /// A copy sharing no storage with this one, its strings included: a thread's own, whose reference counts no
    /// other core writes.
    func ownCopy() -> Names {
        let copied = names.map { String(decoding: Array($0.utf8), as: UTF8.self) }
        var numbers = NameTable<UInt32>()
        for (number, name) in copied.enumerated().dropFirst() { numbers.insert(name, UInt32(number)) }
        return Names(numbers: numbers, names: copied)
    }

    func adding(_ additions: [String]) -> Names {
        var numbers = self.numbers
        var names = self.names
        for name in additions {
            numbers.insert(name, UInt32(names.count))
            names.append(name)
        }
        return Names(numbers: numbers, names: names)
    }
}

/// How keys find a name's number: ``Names`` itself, or ``RecentNames`` in front of it for a batch.
protocol NameNumbering {
    mutating func number(_ name: String) -> UInt32?
}

extension Names: NameNumbering {}

/// ``Names`` with the last few names looked up kept beside it: a batch names the same handful of types and
/// relations over and over, and comparing a short string is cheaper than hashing it.
struct RecentNames: NameNumbering {
    let names: Names
    private var recent: [(name: String, number: UInt32)] = []
    private var next = 0

    init(_ names: Names) {
        self.names = names
        recent.reserveCapacity(8)
    }

    mutating func number(_ name: String) -> UInt32? {
        for entry in recent where entry.name.bytesEqual(name) { return entry.number }
        guard let number = names.number(name) else { return nil }
        if recent.count < 8 {
            recent.append((name, number))
        } else {
            recent[next] = (name, number)
            next = (next + 1) % 8
        }
        return number
    }
}

/// Every store's ``Names`` as this process last read them, shared by the snapshots and writes of one backend.
/// The stored dictionary is the truth: the meta table holds, per store, a count and each number's name
/// (`store ‖ 0x01 ‖ number` → name), written in the same transaction as the first tuple that uses the name.
final class NameDictionary: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [UInt32: Names] = [:]

    /// The names of `store` as `reader` sees them: the process's copy, extended from the reader when the stored
    /// count is larger (another writer, maybe another process, added names). Every name committed at the reader's
    /// version is in the result.
    func names(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> Names {
        let cached = lock.withLock { stores[store] } ?? Names()
        let grown = try Self.names(store: store, in: reader, after: cached)
        guard grown !== cached else { return cached }
        return lock.withLock {
            // Another thread may have grown it further meanwhile: keep the larger.
            if let current = stores[store], current.count >= grown.count { return current }
            stores[store] = grown
            return grown
        }
    }

    /// `cached` (names of `store` read earlier) grown by the names `reader` sees after them; `cached` itself when
    /// there are none. Shares nothing: a thread can keep a copy no other thread counts references on.
    static func names(store: UInt32, in reader: some OrderedKeyValueReader, after cached: Names) throws(StoreError) -> Names {
        let stored = try NameDictionary.storedCount(store: store, in: reader)
        guard stored > cached.count else { return cached }
        var additions: [String] = []
        try NameDictionary.forEachName(store: store, from: UInt32(cached.count + 1), in: reader) { (number, name) throws(StoreError) in
            guard Int(number) == cached.count + additions.count + 1 else {
                throw StoreError(.corrupted, "the name dictionary of store #\(store) skips number \(cached.count + additions.count + 1)")
            }
            additions.append(name)
        }
        guard additions.count == stored - cached.count else {
            throw StoreError(.corrupted, "the name dictionary of store #\(store) holds fewer names than its count")
        }
        return cached.adding(additions)
    }

    /// Gives `missing` names numbers after `names`' inside the caller's write transaction (which must not have
    /// added names yet), returning the grown dictionary. Nothing is shared before the transaction commits: the next
    /// ``names(store:in:)`` reads them back.
    static func intern(
        _ missing: [String], after names: Names, store: UInt32, in writer: some KeyValueWriter
    ) throws(StoreError) -> Names {
        var next = UInt32(names.count)
        for name in missing {
            next += 1
            try writer.put(nameKey(store: store, number: next), Array(name.utf8), in: .meta)
        }
        try writer.put(KeyLayout.metaKey(store: store, "names"), TupleTables.bytes(UInt64(next)), in: .meta)
        return names.adding(missing)
    }

    static func storedCount(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> Int {
        try reader.withValue(KeyLayout.metaKey(store: store, "names"), in: .meta) { bytes throws(StoreError) -> Int in
            guard let bytes else { return 0 }
            guard bytes.count == 8 else { throw StoreError(.corrupted, "the name count of store #\(store) is damaged") }
            let count = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard count < UInt64(NameCode.maximum) else { throw StoreError(.corrupted, "the name count of store #\(store) is damaged") }
            return Int(count)
        }
    }

    /// `store ‖ 0x01 ‖ number`: below every counter's key (counters are named in ASCII letters).
    static func nameKey(store: UInt32, number: UInt32) -> [UInt8] {
        var encoder = KeyEncoder(store: store)
        encoder.append(byte: 1)
        encoder.append(number)
        return encoder.bytes
    }

    private static func forEachName(
        store: UInt32, from first: UInt32, in reader: some OrderedKeyValueReader,
        _ body: (UInt32, String) throws(StoreError) -> Void
    ) throws(StoreError) {
        var prefix = KeyEncoder(store: store)
        prefix.append(byte: 1)
        try reader.visit(prefix: prefix.bytes, from: nameKey(store: store, number: first), in: .meta) { key, value throws(StoreError) in
            var decoder = KeyDecoder(key, skipping: 5)
            try body(try decoder.uint32(), String(decoding: value, as: UTF8.self))
            return true
        }
    }
}

import WardenModel

/// Every compiled relation of a model, found by its type's position and its name's bytes, in flat arrays a
/// ``CompiledModel`` holds directly: a lookup borrows them in place. (A table per type in an array was copied out
/// of the array on every lookup, one reference count per field, on tables every checking thread shares.)
struct RelationTable: Sendable {
    /// Types with at most this many relations are scanned by fingerprint; larger ones are hashed.
    static let scanLimit = 16

    /// Each type's entries: `starts[type] ..< starts[type + 1]`.
    private let starts: [Int]
    private let fingerprints: [NameFingerprint]
    private let names: [String]
    private let relations: [CompiledRelation]
    /// Entries of types with more than ``scanLimit`` relations.
    private let indexes: [Key: Int]

    private struct Key: Hashable {
        let type: Int
        let name: ByteString
    }

    /// `byType[t]`: type `t`'s relations in definition order; the first of two same-named relations is kept.
    init(_ byType: [[(name: String, relation: CompiledRelation)]]) {
        var starts = [0]
        var fingerprints: [NameFingerprint] = []
        var names: [String] = []
        var relations: [CompiledRelation] = []
        var indexes: [Key: Int] = [:]
        for (type, entries) in byType.enumerated() {
            var seen = Set<ByteString>()
            let large = entries.count > Self.scanLimit
            for entry in entries where seen.insert(ByteString(entry.name)).inserted {
                if large { indexes[Key(type: type, name: ByteString(entry.name))] = names.count }
                fingerprints.append(NameFingerprint(entry.name))
                names.append(entry.name)
                relations.append(entry.relation)
            }
            starts.append(names.count)
        }
        self.starts = starts
        self.fingerprints = fingerprints
        self.names = names
        self.relations = relations
        self.indexes = indexes
    }

    /// The relation `name` of the type at position `type`, byte for byte.
    func relation(type: Int, _ name: String) -> CompiledRelation? {
        position(type: type, name).map { relations[$0] }
    }

    /// Whether the relation `name` of the type at position `type` has only direct tuples (nil: no such relation).
    /// Read in place: no reference counted on the relation, which every thread shares.
    func isTerminal(type: Int, _ name: String) -> Bool? {
        position(type: type, name).map { index in relations.withUnsafeBufferPointer { $0[index].isTerminal } }
    }

    private func position(type: Int, _ name: String) -> Int? {
        let start = starts[type], end = starts[type + 1]
        guard end - start <= Self.scanLimit else { return indexes[Key(type: type, name: ByteString(name))] }
        let fingerprint = NameFingerprint(name)
        var index = start
        while index < end {
            if fingerprints[index] == fingerprint, fingerprint.isWhole || names[index].bytesEqual(name) { return index }
            index += 1
        }
        return nil
    }
}

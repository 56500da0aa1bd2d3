/// One nesting relation of one store, `group#member`, as its name numbers: the tuples `group:a#member@group:b#member`
/// (b's members are a's) are its edges, from a (the parent) to b (the child). Everything the nested-group index
/// reads and writes for it sits under keys built here.
struct NestingFamily: Hashable {
    let store: UInt32
    /// The type's and the relation's ``NameCode`` bytes.
    let type: [UInt8]
    let relation: [UInt8]

    /// The parent, child and family of a forward key that nests its own userset
    /// (`store ‖ #T ‖ a ‖ #R ‖ #T ‖ #R ‖ b`); nil for any other tuple.
    static func edge(forward key: [UInt8]) -> (family: NestingFamily, parent: [UInt8], child: [UInt8])? {
        guard key.count > 5 else { return nil }
        let typeEnd = 4 + NameCode.width(first: key[4])
        guard typeEnd < key.count, let parentEnd = key[typeEnd...].firstIndex(of: 0), parentEnd + 1 < key.count else { return nil }
        let relationStart = parentEnd + 1
        let relationEnd = relationStart + NameCode.width(first: key[relationStart])
        guard relationEnd < key.count else { return nil }
        let userTypeEnd = relationEnd + NameCode.width(first: key[relationEnd])
        guard userTypeEnd < key.count else { return nil }
        let userRelationEnd = userTypeEnd + NameCode.width(first: key[userTypeEnd])
        guard userRelationEnd < key.count, key.last == 0,
            key[4..<typeEnd].elementsEqual(key[relationEnd..<userTypeEnd]),
            key[relationStart..<relationEnd].elementsEqual(key[userTypeEnd..<userRelationEnd])
        else { return nil }
        let store = key[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let family = NestingFamily(store: store, type: Array(key[4..<typeEnd]), relation: Array(key[relationStart..<relationEnd]))
        return (family, Array(key[typeEnd..<parentEnd]), Array(key[userRelationEnd..<(key.count - 1)]))
    }

    /// The forward prefix of `parent`'s children: `store ‖ #T ‖ parent ‖ #R ‖ #T ‖ #R`.
    func childrenPrefix(_ parent: [UInt8]) -> [UInt8] {
        storePrefix + type + parent + [0] + relation + type + relation
    }

    /// The reverse prefix of `child`'s parents: `store ‖ #T ‖ #R ‖ child ‖ #T ‖ #R`.
    func parentsPrefix(_ child: [UInt8]) -> [UInt8] {
        storePrefix + type + relation + child + [0] + type + relation
    }

    /// The reverse prefix of every tuple whose user is a `T#R` userset: the family's edges are among them.
    var usersetsPrefix: [UInt8] { storePrefix + type + relation }

    /// `ancestor` reaches `descendant` in the stored hop count.
    func downKey(_ ancestor: [UInt8], _ descendant: [UInt8]) -> [UInt8] {
        storePrefix + [NestedGroupIndex.downTag] + type + relation + ancestor + [0] + descendant + [0]
    }

    /// The mirror of ``downKey(_:_:)``: who holds `descendant`.
    func upKey(_ descendant: [UInt8], _ ancestor: [UInt8]) -> [UInt8] {
        storePrefix + [NestedGroupIndex.upTag] + type + relation + descendant + [0] + ancestor + [0]
    }

    /// How many descendants `group` has at each hop count.
    func heightKey(_ group: [UInt8]) -> [UInt8] {
        storePrefix + [NestedGroupIndex.heightTag] + type + relation + group + [0]
    }

    func downPrefix(_ ancestor: [UInt8]) -> [UInt8] {
        storePrefix + [NestedGroupIndex.downTag] + type + relation + ancestor + [0]
    }

    func upPrefix(_ descendant: [UInt8]) -> [UInt8] {
        storePrefix + [NestedGroupIndex.upTag] + type + relation + descendant + [0]
    }

    /// Every key the index holds for this family under `tag`.
    func tagPrefix(_ tag: UInt8) -> [UInt8] { storePrefix + [tag] + type + relation }

    private var storePrefix: [UInt8] { withUnsafeBytes(of: store.bigEndian) { Array($0) } }
}

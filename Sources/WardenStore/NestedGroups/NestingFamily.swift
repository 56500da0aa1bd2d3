/// One nesting relation of one store, `group#member`, as its name numbers: the tuples `group:a#member@group:b#member`
/// (b's members are a's) are its edges, from a (the parent) to b (the child). Everything the nested-group index
/// reads and writes for it sits under keys built here.
struct NestingFamily: Hashable {
    let store: UInt32
    /// The type's ``NameCode`` bytes, then the relation's.
    let names: [UInt8]
    /// How many of ``names`` are the type's.
    let typeWidth: Int

    init(store: UInt32, type: some Collection<UInt8>, relation: some Collection<UInt8>) {
        self.store = store
        var names: [UInt8] = []
        names.reserveCapacity(type.count + relation.count)
        names.append(contentsOf: type)
        names.append(contentsOf: relation)
        self.names = names
        typeWidth = type.count
    }

    /// From the codes already joined (`#T ‖ #R`, the first `typeWidth` bytes the type's).
    init(store: UInt32, names: [UInt8], typeWidth: Int) {
        self.store = store
        self.names = names
        self.typeWidth = typeWidth
    }

    var type: ArraySlice<UInt8> { names[..<typeWidth] }
    var relation: ArraySlice<UInt8> { names[typeWidth...] }

    /// The parent, child and family of a forward key that nests its own userset
    /// (`store ‖ #T ‖ a ‖ #R ‖ #T ‖ #R ‖ b`); nil for any other tuple.
    static func edge<Key: RandomAccessCollection<UInt8>>(
        forward key: Key
    ) -> (family: NestingFamily, parent: [UInt8], child: [UInt8])? where Key.Index == Int {
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
        let family = NestingFamily(store: store, type: key[4..<typeEnd], relation: key[relationStart..<relationEnd])
        return (family, Array(key[typeEnd..<parentEnd]), Array(key[userRelationEnd..<(key.count - 1)]))
    }

    /// The forward prefix of `parent`'s children: `store ‖ #T ‖ parent ‖ #R ‖ #T ‖ #R`.
    func childrenPrefix(_ parent: [UInt8]) -> [UInt8] {
        var key = start(capacity: parent.count + 1 + names.count)
        key.append(contentsOf: type)
        key.append(contentsOf: parent)
        key.append(0)
        key.append(contentsOf: relation)
        key.append(contentsOf: names)
        return key
    }

    /// The reverse prefix of `child`'s parents: `store ‖ #T ‖ #R ‖ child ‖ #T ‖ #R`.
    func parentsPrefix(_ child: [UInt8]) -> [UInt8] {
        var key = start(capacity: names.count + child.count + 1 + names.count)
        key.append(contentsOf: names)
        key.append(contentsOf: child)
        key.append(0)
        key.append(contentsOf: names)
        return key
    }

    /// The reverse prefix of every tuple whose user is a `T#R` userset: the family's edges are among them.
    var usersetsPrefix: [UInt8] {
        var key = start(capacity: names.count)
        key.append(contentsOf: names)
        return key
    }

    /// `ancestor` reaches `descendant` in the stored hop count.
    func downKey(_ ancestor: [UInt8], _ descendant: [UInt8]) -> [UInt8] {
        pairKey(NestedGroupIndex.downTag, ancestor, descendant)
    }

    /// The mirror of ``downKey(_:_:)``: who holds `descendant`.
    func upKey(_ descendant: [UInt8], _ ancestor: [UInt8]) -> [UInt8] {
        pairKey(NestedGroupIndex.upTag, descendant, ancestor)
    }

    /// How many descendants `group` has at each hop count.
    func heightKey(_ group: some Collection<UInt8>) -> [UInt8] {
        tagged(NestedGroupIndex.heightTag, group, extra: 0)
    }

    /// The keys of what `ancestor` reaches (a descendant's id and a 0 byte follow), with room for them.
    func downPrefix(_ ancestor: some Collection<UInt8>, room: Int = 0) -> [UInt8] {
        tagged(NestedGroupIndex.downTag, ancestor, extra: room)
    }

    func upPrefix(_ descendant: [UInt8]) -> [UInt8] {
        tagged(NestedGroupIndex.upTag, descendant, extra: 0)
    }

    /// Every key the index holds for this family under `tag`.
    func tagPrefix(_ tag: UInt8) -> [UInt8] {
        var key = start(capacity: 1 + names.count)
        key.append(tag)
        key.append(contentsOf: names)
        return key
    }

    private func pairKey(_ tag: UInt8, _ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        var key = start(capacity: 1 + names.count + first.count + second.count + 2)
        appendTagged(tag, first, to: &key)
        key.append(contentsOf: second)
        key.append(0)
        return key
    }

    /// Appends ``downKey(_:_:)`` to `bytes` (a key written into a shared buffer, ``PackedEntries``).
    func appendDownKey(_ ancestor: some Collection<UInt8>, _ descendant: some Collection<UInt8>, to bytes: inout [UInt8]) {
        appendStore(to: &bytes)
        appendTagged(NestedGroupIndex.downTag, ancestor, to: &bytes)
        bytes.append(contentsOf: descendant)
        bytes.append(0)
    }

    /// Appends ``upKey(_:_:)`` to `bytes`.
    func appendUpKey(_ descendant: some Collection<UInt8>, _ ancestor: some Collection<UInt8>, to bytes: inout [UInt8]) {
        appendStore(to: &bytes)
        appendTagged(NestedGroupIndex.upTag, descendant, to: &bytes)
        bytes.append(contentsOf: ancestor)
        bytes.append(0)
    }

    /// Appends ``heightKey(_:)`` to `bytes`.
    func appendHeightKey(_ group: some Collection<UInt8>, to bytes: inout [UInt8]) {
        appendStore(to: &bytes)
        appendTagged(NestedGroupIndex.heightTag, group, to: &bytes)
    }

    /// `store ‖ tag ‖ #T ‖ #R ‖ group ‖ 0`, with `extra` bytes of room.
    private func tagged(_ tag: UInt8, _ group: some Collection<UInt8>, extra: Int) -> [UInt8] {
        var key = start(capacity: 1 + names.count + group.count + 1 + extra)
        appendTagged(tag, group, to: &key)
        return key
    }

    /// `tag ‖ #T ‖ #R ‖ group ‖ 0`, after the store number.
    private func appendTagged(_ tag: UInt8, _ group: some Collection<UInt8>, to key: inout [UInt8]) {
        key.append(tag)
        key.append(contentsOf: names)
        key.append(contentsOf: group)
        key.append(0)
    }

    /// The store number, in an array with room for `capacity` more bytes.
    private func start(capacity: Int) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(4 + capacity)
        appendStore(to: &key)
        return key
    }

    private func appendStore(to key: inout [UInt8]) {
        key.append(UInt8(truncatingIfNeeded: store >> 24))
        key.append(UInt8(truncatingIfNeeded: store >> 16))
        key.append(UInt8(truncatingIfNeeded: store >> 8))
        key.append(UInt8(truncatingIfNeeded: store))
    }
}

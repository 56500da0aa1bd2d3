/// One nesting family's edges as ``NestedGroupIndex/closure(of:in:minimumShare:)`` searches them: groups numbered
/// in their ids' byte order (so sorting numbers sorts keys), the ids packed in one buffer and the children in one
/// array (compressed rows), so the searches on several cores share it without counting references per group.
struct ClosureGraph: Sendable {
    /// Group `g`'s id is `idBytes[idStart[g]..<idStart[g + 1]]`.
    private let idBytes: [UInt8]
    private let idStart: [Int]
    /// Group `g`'s children are `children[firstChild[g]..<firstChild[g + 1]]`.
    let firstChild: [Int]
    private let children: [Int]

    var count: Int { idStart.count - 1 }
    var groups: Range<Int> { 0..<count }

    /// The family's unconditioned edges, from the reverse index.
    init(_ family: NestingFamily, in reader: some OrderedKeyValueReader) throws(StoreError) {
        var ids: [[UInt8]] = []
        var number: [[UInt8]: Int] = [:]
        func node(_ id: [UInt8]) -> Int {
            if let known = number[id] { return known }
            number[id] = ids.count
            ids.append(id)
            return ids.count - 1
        }
        var links: [(parent: Int, child: Int)] = []
        try NestedGroupIndex.edges(of: family, in: reader) { parent, child in links.append((node(parent), node(child))) }
        // Renumbered in byte order of the ids (a shorter id before a longer one it begins: keys end ids with 0).
        let order = ids.indices.sorted { SortedTable.compare(ids[$0], ids[$1]) < 0 }
        var rank = [Int](repeating: 0, count: ids.count)
        var idBytes: [UInt8] = []
        idBytes.reserveCapacity(ids.reduce(0) { $0 + $1.count })
        var idStart = [0]
        idStart.reserveCapacity(ids.count + 1)
        for (position, node) in order.enumerated() {
            rank[node] = position
            idBytes += ids[node]
            idStart.append(idBytes.count)
        }
        var firstChild = [Int](repeating: 0, count: ids.count + 1)
        for link in links { firstChild[rank[link.parent] + 1] += 1 }
        for group in ids.indices { firstChild[group + 1] += firstChild[group] }
        var fill = firstChild
        var children = [Int](repeating: 0, count: links.count)
        for link in links {
            let parent = rank[link.parent]
            children[fill[parent]] = rank[link.child]
            fill[parent] += 1
        }
        self.idBytes = idBytes
        self.idStart = idStart
        self.firstChild = firstChild
        self.children = children
    }

    /// Whether some group is nested in `group`.
    func holdsAny(_ group: Int) -> Bool { firstChild[group] < firstChild[group + 1] }

    /// Calls `body` with a function that gives a group's id, valid inside `body`.
    func withIDs<Result>(_ body: ((Int) -> UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        idBytes.withUnsafeBufferPointer { bytes in
            idStart.withUnsafeBufferPointer { starts in
                body { UnsafeBufferPointer(rebasing: bytes[starts[$0]..<starts[$0 + 1]]) }
            }
        }
    }

    /// The breadth-first searches from `starts` (in ascending order): the down and height entries of each, and
    /// the up edges they found.
    func searches(from starts: ArraySlice<Int>, _ family: NestingFamily) -> NestedGroupIndex.ClosurePart {
        var part = NestedGroupIndex.ClosurePart()
        var distance = [Int](repeating: -1, count: count)
        var reached: [Int] = []
        withIDs { id in
            firstChild.withUnsafeBufferPointer { firstChild in
                children.withUnsafeBufferPointer { children in
                    for start in starts {
                        var counts = HopCounts()
                        reached.removeAll(keepingCapacity: true)
                        reached.append(start)
                        distance[start] = 0
                        var head = 0
                        while head < reached.count {
                            let current = reached[head]
                            head += 1
                            for child in children[firstChild[current]..<firstChild[current + 1]] where distance[child] < 0 {
                                distance[child] = distance[current] + 1
                                reached.append(child)
                            }
                        }
                        for group in reached.dropFirst().sorted() {
                            let hops = UInt8(min(distance[group], NestedGroupIndex.saturatedHops))
                            counts.add(Int(hops), 1)
                            part.down.append(key: { family.appendDownKey(id(start), id(group), to: &$0) }, value: CollectionOfOne(hops))
                            part.up.append((group, start, hops))
                        }
                        for group in reached { distance[group] = -1 }
                        if !counts.isEmpty {
                            part.heights.append(key: { family.appendHeightKey(id(start), to: &$0) }, value: counts.encoded)
                        }
                    }
                }
            }
        }
        return part
    }
}

import WardenModel

/// The nested-group index (Zanzibar's Leopard): for every relation whose tuples nest usersets of itself
/// (`group:a#member@group:b#member`: b's members are a's), the transitive closure of the nesting with the fewest
/// hops from each group to each group nested in it, kept in the ``Table/groups`` table in the same write
/// transaction as the tuples. A check through `define member: [user, group#member]` then reads the user's own
/// groups and one key per group, instead of walking the nesting level by level.
///
/// Keys, after the store number (see ``NestingFamily``): `0x01 ‖ #T ‖ #R ‖ ancestor ‖ descendant` → hops (one byte;
/// 255 means 255 or more), `0x02 ‖ #T ‖ #R ‖ descendant ‖ ancestor` → hops, `0x03 ‖ #T ‖ #R ‖ group` →
/// ``HopCounts``. Only unconditioned nesting tuples are edges: a relation whose nesting admits a condition is never
/// answered from the index. Whether a store keeps the index is in `meta` (`nested-groups`: 1 on, 0 off; absent for
/// a store made before the index existed, which is off until `warden index rebuild`).
public enum NestedGroupIndex {
    static let downTag: UInt8 = 0x01
    static let upTag: UInt8 = 0x02
    static let heightTag: UInt8 = 0x03
    /// `0x04 ‖ #T ‖ #R` → how many unconditioned nesting tuples of the family expire (absent for none).
    static let expiringTag: UInt8 = 0x04
    /// The largest hop count stored; a longer path is stored as this (the engine then walks).
    public static let saturatedHops = 255
    /// Above this much work for one batch (ancestors × groups whose distances may change), the batch recomputes
    /// the whole family instead of the affected part.
    static let incrementalLimit = 1_000_000

    static func stateKey(store: UInt32) -> [UInt8] { KeyLayout.metaKey(store: store, "nested-groups") }

    /// Whether the store keeps the index.
    static func isOn(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> Bool {
        try reader.withValue(stateKey(store: store), in: .meta) { $0?.first == 1 }
    }

    /// Whether the store ever decided (a store made before the index existed has not).
    static func isDecided(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> Bool {
        try reader.withValue(stateKey(store: store), in: .meta) { $0 != nil }
    }

    /// Turns the index on (built from the tuples) or off (dropped).
    static func set(on: Bool, store: UInt32, in writer: some KeyValueWriter) throws(StoreError) {
        try drop(store: store, in: writer)
        try writer.put(stateKey(store: store), [on ? 1 : 0], in: .meta)
        if on {
            for family in try families(store: store, in: writer) {
                try writer.putAll(try closure(of: family, in: writer), in: .groups)
            }
        }
    }

    /// Removes every index entry of the store.
    static func drop(store: UInt32, in writer: some KeyValueWriter) throws(StoreError) {
        var keys: [[UInt8]] = []
        try writer.scan(prefix: KeyLayout.prefix(store: store), from: nil, in: .groups) { key, _ in
            keys.append(Array(key))
            return true
        }
        for key in keys { try writer.delete(key, in: .groups) }
    }

    // MARK: Reads (checks)

    /// The fewest hops from `ancestor` down to `descendant`, or nil when it does not reach it.
    static func hops(
        _ family: NestingFamily, from ancestor: [UInt8], to descendant: [UInt8], in reader: some OrderedKeyValueReader
    ) throws(StoreError) -> Int? {
        try reader.withValue(family.downKey(ancestor, descendant), in: .groups) { value throws(StoreError) in
            guard let value else { return nil }
            guard value.count == 1 else { throw StoreError(.corrupted, "a nested-group index entry is damaged") }
            return Int(value[0])
        }
    }

    /// The height a group's stored ``HopCounts`` record says (0 for no record): the most hops from the group to
    /// any group nested in it.
    static func height(stored value: UnsafeRawBufferPointer?) throws(StoreError) -> Int {
        guard let value else { return 0 }
        guard value.count >= 5, value.count % 5 == 0 else { throw StoreError(.corrupted, "a nested-group height record is damaged") }
        // Pairs in hop order: the last one's hop count is the greatest.
        return Int(value[value.count - 5])
    }

    private static func heights(_ family: NestingFamily, of group: [UInt8], in reader: some OrderedKeyValueReader) throws(StoreError) -> HopCounts {
        try reader.withValue(family.heightKey(group), in: .groups) { value throws(StoreError) in
            guard let value else { return HopCounts() }
            return try HopCounts(decoding: value)
        }
    }

    // MARK: Maintenance (writes)

    /// Brings the index up to date with changed tuples (forward keys of unconditioned tuples written or deleted in
    /// this transaction; the tables already hold the change). Only the groups above a changed edge and the groups
    /// below it are looked at: a distance between two other groups cannot have changed.
    static func update(changed: [Change], in writer: some KeyValueWriter) throws(StoreError) {
        var byFamily: [NestingFamily: [(parent: [UInt8], child: [UInt8])]] = [:]
        var expiring: [NestingFamily: Int] = [:]
        for change in changed {
            guard let edge = NestingFamily.edge(forward: change.forward) else { continue }
            if change.value.isEmpty {
                byFamily[edge.family, default: []].append((edge.parent, edge.child))
            } else {
                expiring[edge.family, default: 0] += change.written ? 1 : -1
            }
        }
        for (family, edges) in byFamily { try update(family, edges: edges, in: writer) }
        for (family, delta) in expiring where delta != 0 {
            let count = try expiringEdges(family, in: writer) + delta
            if count <= 0 {
                try writer.delete(family.tagPrefix(expiringTag), in: .groups)
            } else {
                try writer.put(family.tagPrefix(expiringTag), TupleTables.bytes(UInt64(count)), in: .groups)
            }
        }
    }

    /// A tuple written or deleted in a batch, as ``update(changed:in:)`` looks at it.
    struct Change {
        var forward: [UInt8]
        var value: [UInt8]
        var written: Bool
    }

    /// Whether a tuple with this stored value can be a nesting edge the index follows (no condition) or counts
    /// (no condition, an expiry: the index leaves it out, and checks through its family walk).
    static func mayNest(_ value: some RandomAccessCollection<UInt8>) -> Bool {
        value.isEmpty || (value.count == 9 && value.first == 0)
    }

    /// How many unconditioned expiring nesting edges the family holds.
    static func expiringEdges(_ family: NestingFamily, in reader: some OrderedKeyValueReader) throws(StoreError) -> Int {
        try reader.withValue(family.tagPrefix(expiringTag), in: .groups) { value in
            guard let value, value.count == 8 else { return 0 }
            return Int(value.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
    }

    /// The families (`#T ‖ #R`) of the store that hold expiring nesting: the index alone cannot answer for them.
    static func familiesWithExpiringNesting(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> [[UInt8]] {
        var families: [[UInt8]] = []
        let prefix = KeyLayout.prefix(store: store) + [expiringTag]
        try reader.scan(prefix: prefix, from: nil, in: .groups) { key, _ in
            families.append(Array(key[prefix.count...]))
            return true
        }
        return families
    }

    /// Whether `ancestors × groups` units of work stay within ``incrementalLimit``.
    private static func withinLimit(_ ancestors: Int, _ groups: Int) -> Bool {
        let (work, overflow) = ancestors.multipliedReportingOverflow(by: groups)
        return !overflow && work <= incrementalLimit
    }

    private static func update(
        _ family: NestingFamily, edges: [(parent: [UInt8], child: [UInt8])], in writer: some KeyValueWriter
    ) throws(StoreError) {
        var graph = NestingGraph(family: family)
        let parents = Set(edges.map(\.parent))
        let children = Set(edges.map(\.child))
        // The work is at least parents × children: a bulk batch is past the limit before anything is read.
        guard withinLimit(parents.count, children.count) else { return try rebuild(family, in: writer) }
        // Ancestors of a changed edge, before and after the change; the groups below it, before and after.
        var ancestors = try graph.reachable(from: parents, upward: true, in: writer)
        var affected = try graph.reachable(from: children, upward: false, in: writer)
        for parent in parents { try suffixes(under: family.upPrefix(parent), in: writer) { ancestors.insert($0) } }
        for child in children { try suffixes(under: family.downPrefix(child), in: writer) { affected.insert($0) } }
        guard withinLimit(ancestors.count, affected.count) else { return try rebuild(family, in: writer) }
        let region = Array(affected)
        var position: [[UInt8]: Int] = [:]
        for (index, group) in region.enumerated() { position[group] = index }
        // Inside the region: children as positions; parents outside it, whose distances did not change.
        var inside: [[Int]] = []
        var outside: [[[UInt8]]] = []
        for group in region {
            inside.append(try graph.children(of: group, in: writer).compactMap { position[$0] })
            outside.append(try graph.parents(of: group, in: writer).filter { position[$0] == nil })
        }
        for ancestor in ancestors {
            let distances = try distancesInRegion(
                from: ancestor, region: region, position: position, inside: inside, outside: outside, family, in: writer)
            var counts = try heights(family, of: ancestor, in: writer)
            let before = counts
            for (index, group) in region.enumerated() where group != ancestor {
                let now = distances[index] == .max ? nil : min(distances[index], saturatedHops)
                let stored = try hops(family, from: ancestor, to: group, in: writer)
                guard now != stored else { continue }
                if let stored { counts.add(stored, -1) }
                if let now {
                    counts.add(now, 1)
                    try writer.put(family.downKey(ancestor, group), [UInt8(now)], in: .groups)
                    try writer.put(family.upKey(group, ancestor), [UInt8(now)], in: .groups)
                } else {
                    try writer.delete(family.downKey(ancestor, group), in: .groups)
                    try writer.delete(family.upKey(group, ancestor), in: .groups)
                }
            }
            guard counts != before else { continue }
            if counts.isEmpty {
                try writer.delete(family.heightKey(ancestor), in: .groups)
            } else {
                try writer.put(family.heightKey(ancestor), counts.encoded, in: .groups)
            }
        }
    }

    /// The fewest hops from `ancestor` to each group of the region, after the change: from the ancestor itself when
    /// it lies in the region, or from the region's parents outside it (whose stored distances are still right),
    /// then along edges inside the region (a breadth-first search from sources at different distances: the sources
    /// in order, merged with the queue). `.max` where it does not reach.
    private static func distancesInRegion(
        from ancestor: [UInt8], region: [[UInt8]], position: [[UInt8]: Int], inside: [[Int]], outside: [[[UInt8]]],
        _ family: NestingFamily, in reader: some OrderedKeyValueReader
    ) throws(StoreError) -> [Int] {
        var best = [Int](repeating: .max, count: region.count)
        if let own = position[ancestor] { best[own] = 0 }
        for index in region.indices {
            for parent in outside[index] {
                let toParent = parent == ancestor ? 0 : try hops(family, from: ancestor, to: parent, in: reader)
                if let toParent, toParent + 1 < best[index] { best[index] = toParent + 1 }
            }
        }
        let sources = region.indices.filter { best[$0] != .max }.sorted { best[$0] < best[$1] }
        var nextSource = 0
        var queue: [(distance: Int, index: Int)] = []
        var head = 0
        var settled = [Bool](repeating: false, count: region.count)
        while true {
            let item: (distance: Int, index: Int)
            let sourceItem = nextSource < sources.count ? (best[sources[nextSource]], sources[nextSource]) : nil
            if head < queue.count, sourceItem.map({ queue[head].distance <= $0.0 }) ?? true {
                item = queue[head]
                head += 1
            } else if let sourceItem {
                item = sourceItem
                nextSource += 1
            } else {
                break
            }
            guard !settled[item.index], item.distance == best[item.index] else { continue }
            settled[item.index] = true
            for child in inside[item.index] where item.distance + 1 < best[child] {
                best[child] = item.distance + 1
                queue.append((item.distance + 1, child))
            }
        }
        return best
    }

    /// Recomputes one family from its tuples.
    static func rebuild(_ family: NestingFamily, in writer: some KeyValueWriter) throws(StoreError) {
        for tag in [downTag, upTag, heightTag, expiringTag] {
            var keys: [[UInt8]] = []
            try writer.scan(prefix: family.tagPrefix(tag), from: nil, in: .groups) { key, _ in
                keys.append(Array(key))
                return true
            }
            for key in keys { try writer.delete(key, in: .groups) }
        }
        try writer.putAll(try closure(of: family, in: writer), in: .groups)
    }

    /// One share's entries of ``closure(of:in:)``: down and height entries in the groups' order, and the up edges
    /// found (descendant, ancestor, hops) in the order the searches found them (ancestors ascending).
    struct ClosurePart: Sendable {
        var down = PackedEntries()
        var up: [(descendant: Int, ancestor: Int, hops: UInt8)] = []
        var heights = PackedEntries()
    }

    /// Every index entry the family's tuples call for, computed from scratch: one breadth-first search from each
    /// group that holds another. What `warden index rebuild` writes and `warden doctor` compares with. In key
    /// order (groups are numbered in their ids' byte order, so sorting numbers sorts keys), which a backend
    /// stores without sorting and LMDB appends page after page.
    /// The searches are shared between the machine's cores, at least `minimumShare` groups each.
    static func closure(
        of family: NestingFamily, in reader: some OrderedKeyValueReader, minimumShare: Int = 32
    ) throws(StoreError) -> PackedEntries {
        let graph = try ClosureGraph(family, in: reader)
        // One breadth-first search per group that holds another, the groups shared between the machine's cores
        // (each share with its own distances), the shares' entries joined in the groups' order.
        let starts = graph.groups.filter(graph.holdsAny)
        let parts = starts.mapSharesOnCores(minimumShare: minimumShare) { share in graph.searches(from: share, family) }
        var entries = PackedEntries()
        let upCount = parts.reduce(0) { $0 + $1.up.count }
        entries.reserveCapacity(
            entries: parts.reduce(0) { $0 + $1.down.count + $1.heights.count } + upCount + 1,
            bytes: 2 * parts.reduce(0) { $0 + $1.down.bytes.count } + parts.reduce(0) { $0 + $1.heights.bytes.count } + 64)
        for part in parts { entries.append(contentsOf: part.down) }
        // Up keys ordered by descendant, then ancestor: a counting sort by descendant keeps the ancestors in the
        // ascending order the searches found them in.
        var bucketStart = [Int](repeating: 0, count: graph.count + 1)
        for part in parts { for edge in part.up { bucketStart[edge.descendant + 1] += 1 } }
        for index in graph.groups { bucketStart[index + 1] += bucketStart[index] }
        var up = [(ancestor: Int, hops: UInt8)](repeating: (0, 0), count: upCount)
        for part in parts {
            for edge in part.up {
                up[bucketStart[edge.descendant]] = (edge.ancestor, edge.hops)
                bucketStart[edge.descendant] += 1
            }
        }
        var next = 0
        graph.withIDs { id in
            for descendant in graph.groups {
                // After the fill, each bucket's start has moved to the next bucket's.
                while next < bucketStart[descendant] {
                    let (ancestor, hops) = up[next]
                    entries.append(key: { family.appendUpKey(id(descendant), id(ancestor), to: &$0) }, value: CollectionOfOne(hops))
                    next += 1
                }
            }
        }
        for part in parts { entries.append(contentsOf: part.heights) }
        let expiring = try expiringEdgeCount(of: family, in: reader)
        if expiring > 0 {
            entries.append(key: { $0 += family.tagPrefix(expiringTag) }, value: TupleTables.bytes(UInt64(expiring)))
        }
        return entries
    }

    /// The families of a store: every relation some unconditioned tuple nests in itself.
    static func families(store: UInt32, in reader: some OrderedKeyValueReader) throws(StoreError) -> [NestingFamily] {
        var found: Set<NestingFamily> = []
        try reader.scan(prefix: KeyLayout.prefix(store: store), from: nil, in: .forward) { key, value in
            guard mayNest(value), let edge = NestingFamily.edge(forward: Array(key)) else { return true }
            found.insert(edge.family)
            return true
        }
        return found.sorted { $0.type.lexicographicallyPrecedes($1.type) || ($0.type == $1.type && $0.relation.lexicographicallyPrecedes($1.relation)) }
    }

    /// Calls `body` with each unconditioned edge of the family (parent, child), from the reverse index.
    static func edges(
        of family: NestingFamily, in reader: some OrderedKeyValueReader, _ body: ([UInt8], [UInt8]) -> Void
    ) throws(StoreError) {
        let prefix = family.usersetsPrefix
        let tail = family.names
        try reader.scan(prefix: prefix, from: nil, in: .reverse) { key, value in
            guard value.isEmpty, let childEnd = key[prefix.count...].firstIndex(of: 0) else { return true }
            let rest = key[(childEnd + 1)...]
            guard rest.starts(with: tail), key.last == 0, rest.count > tail.count else { return true }
            body(Array(rest.dropFirst(tail.count).dropLast()), Array(key[prefix.count..<childEnd]))
            return true
        }
    }

    /// How many of the family's nesting tuples have no condition and an expiry.
    private static func expiringEdgeCount(of family: NestingFamily, in reader: some OrderedKeyValueReader) throws(StoreError) -> Int {
        let prefix = family.usersetsPrefix
        let tail = family.names
        var count = 0
        try reader.scan(prefix: prefix, from: nil, in: .reverse) { key, value in
            guard value.count == 9, value[0] == 0, let childEnd = key[prefix.count...].firstIndex(of: 0) else { return true }
            if key[(childEnd + 1)...].starts(with: tail) { count += 1 }
            return true
        }
        return count
    }

    /// Calls `body` with the last field of every key under `prefix` (the group a closure key names).
    private static func suffixes(
        under prefix: [UInt8], in reader: some OrderedKeyValueReader, _ body: ([UInt8]) -> Void
    ) throws(StoreError) {
        try reader.scan(prefix: prefix, from: nil, in: .groups) { key, _ in
            body(Array(key[prefix.count..<(key.count - 1)]))
            return true
        }
    }
}

/// The nesting edges of one family as the tables hold them now, read on demand and remembered for one update.
private struct NestingGraph {
    let family: NestingFamily
    private var childrenOf: [[UInt8]: [[UInt8]]] = [:]
    private var parentsOf: [[UInt8]: [[UInt8]]] = [:]

    init(family: NestingFamily) {
        self.family = family
    }

    mutating func children(of group: [UInt8], in reader: some OrderedKeyValueReader) throws(StoreError) -> [[UInt8]] {
        if let known = childrenOf[group] { return known }
        let found = try Self.unconditioned(under: family.childrenPrefix(group), in: .forward, reader)
        childrenOf[group] = found
        return found
    }

    mutating func parents(of group: [UInt8], in reader: some OrderedKeyValueReader) throws(StoreError) -> [[UInt8]] {
        if let known = parentsOf[group] { return known }
        let found = try Self.unconditioned(under: family.parentsPrefix(group), in: .reverse, reader)
        parentsOf[group] = found
        return found
    }

    /// The groups reachable from `starts` (themselves included), following children, or parents when `upward`.
    mutating func reachable(
        from starts: Set<[UInt8]>, upward: Bool, in reader: some OrderedKeyValueReader
    ) throws(StoreError) -> Set<[UInt8]> {
        var seen = starts
        var pending = Array(starts)
        while let group = pending.popLast() {
            for next in upward ? try parents(of: group, in: reader) : try children(of: group, in: reader)
            where seen.insert(next).inserted {
                pending.append(next)
            }
        }
        return seen
    }

    /// The last field of each key under `prefix` whose tuple has no condition.
    private static func unconditioned(
        under prefix: [UInt8], in table: Table, _ reader: some OrderedKeyValueReader
    ) throws(StoreError) -> [[UInt8]] {
        var found: [[UInt8]] = []
        try reader.scan(prefix: prefix, from: nil, in: table) { key, value in
            if value.isEmpty, key.count > prefix.count { found.append(Array(key[prefix.count..<(key.count - 1)])) }
            return true
        }
        return found
    }
}

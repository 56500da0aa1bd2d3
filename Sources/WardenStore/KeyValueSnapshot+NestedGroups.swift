import WardenModel

/// The nested-group index's reads (``NestedGroupIndex``): what a check of a nesting relation asks of it. The keys
/// of a check's reads are written into one buffer on the stack, so a check answered from the index allocates
/// nothing for its keys.
extension KeyValueSnapshot {
    public func hasNestedGroupIndex() throws(StoreError) -> Bool { nestedGroups }

    public func nearestNestedGroup(
        user: ObjectRef, type: String, relation: String, from object: String
    ) throws(StoreError) -> NestedGroupReach {
        // A name never interned: the user holds no such tuple.
        guard let userType = names.number(user.type), let plain = names.number(""),
            let typeNumber = names.number(type), let relationNumber = names.number(relation)
        else { return NestedGroupReach(holdsAny: false, hops: nil) }
        // Expiring nesting is not in the index, and an expiring membership counts only until its instant: walk.
        let indexed = expiringNesting.isEmpty || !expiringNesting.contains(Self.familyCodes(typeNumber, relationNumber))
        // The reverse prefix `store ‖ #user type ‖ #"" ‖ user ‖ #T ‖ #R`, then the closure key
        // `store ‖ down ‖ #T ‖ #R ‖ object ‖ group`, the group changing as the scan reaches the user's groups.
        let prefixRoom = 4 + 8 + user.id.utf8.count + 1 + 8
        let downRoom = 4 + 1 + 8 + object.utf8.count + 1 + KeyLayout.maximumKeyLength + 1
        var reach = NestedGroupReach(holdsAny: false, hops: nil)
        var failure: StoreError?
        var idHoldsNul = false
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefixRoom + downRoom) { buffer in
            var prefix = StackKeyWriter(buffer.baseAddress!)
            prefix.put(store: store)
            prefix.put(name: userType)
            prefix.put(name: plain)
            guard prefix.put(field: user.id) else {
                idHoldsNul = true
                return
            }
            prefix.put(name: typeNumber)
            prefix.put(name: relationNumber)
            var down = StackKeyWriter(buffer.baseAddress! + prefixRoom)
            down.put(store: store)
            down.put(NestedGroupIndex.downTag)
            down.put(name: typeNumber)
            down.put(name: relationNumber)
            // No stored key holds a NUL in an id: an object with one reaches no group.
            let lookups = indexed && down.put(field: object)
            let base = down.count
            let prefixCount = prefix.count
            var holdsAny = false
            var expiring = false
            var nearest: Int?
            do throws(StoreError) {
                // Each group the user is in looked up in the object's closure as the scan reaches it (every backend
                // allows point reads inside a scan: LMDB and the in-memory tables read one snapshot, PostgreSQL
                // hands over a page it has already fetched), until one lies a single hop down.
                try reader.scan(bytes: prefix.written, in: .reverse) { found, value in
                    if KeyLayout.expired(value, at: now) { return true }
                    holdsAny = true
                    if !value.isEmpty {
                        if KeyLayout.expiry(of: value) != nil { expiring = true }
                        return true
                    }
                    guard lookups, nearest != 1 else { return true }
                    // A key under the prefix ends with an object id and its 0 byte.
                    guard found.count > prefixCount else {
                        failure = StoreError(.corrupted, "a reverse-index key ends inside its prefix")
                        return false
                    }
                    let group = UnsafeRawBufferPointer(rebasing: found[prefixCount..<(found.count - 1)])
                    // Every backend refuses a key longer than LMDB's, so any stored group fits.
                    guard base + group.count + 1 <= downRoom else {
                        failure = StoreError(.corrupted, "a reverse-index key is longer than any key a store accepts")
                        return false
                    }
                    down.truncate(to: base)
                    down.put(bytes: group)
                    down.put(0)
                    do throws(StoreError) {
                        let hops = try reader.withValue(bytes: down.written, in: .groups) { $0?.first.map(Int.init) }
                        if let hops, hops < nearest ?? .max { nearest = hops }
                    } catch {
                        failure = error
                        return false
                    }
                    return true
                }
            } catch {
                failure = error
            }
            reach = expiring || !indexed
                ? NestedGroupReach(holdsAny: holdsAny, hops: nil, exact: false)
                : NestedGroupReach(holdsAny: holdsAny, hops: nearest)
        }
        if let failure { throw failure }
        // The encoder names the NUL in its error.
        if idHoldsNul { _ = try reversePrefix(user: .object(user), objectType: type, relation: relation) }
        return reach
    }

    public func nestedHops(type: String, relation: String, from ancestor: String, to descendant: String) throws(StoreError) -> Int? {
        guard let family = family(type: type, relation: relation) else { return nil }
        return try NestedGroupIndex.hops(family, from: Array(ancestor.utf8), to: Array(descendant.utf8), in: reader)
    }

    public func nestingHeight(type: String, relation: String, of group: String) throws(StoreError) -> Int {
        guard let typeNumber = names.number(type), let relationNumber = names.number(relation) else { return 0 }
        // `store ‖ height ‖ #T ‖ #R ‖ group`, on the stack.
        var height = 0
        var failure: StoreError?
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4 + 1 + 8 + group.utf8.count + 1) { buffer in
            var key = StackKeyWriter(buffer.baseAddress!)
            key.put(store: store)
            key.put(NestedGroupIndex.heightTag)
            key.put(name: typeNumber)
            key.put(name: relationNumber)
            // No stored key holds a NUL in an id: nothing is nested in such a group.
            guard key.put(field: group) else { return }
            do throws(StoreError) {
                height = try reader.withValue(bytes: key.written, in: .groups) { value throws(StoreError) in
                    try NestedGroupIndex.height(stored: value)
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return height
    }

    public func nestedGroups(_ direction: NestingDirection, type: String, relation: String, of group: String) throws(StoreError) -> [String]? {
        guard nestedGroups else { return nil }
        guard let family = family(type: type, relation: relation) else { return [] }
        guard !expiringNesting.contains(family.names) else { return nil }
        let id = Array(group.utf8)
        let prefix = direction == .down ? family.downPrefix(id) : family.upPrefix(id)
        var groups: [String] = []
        try reader.scan(prefix: prefix, from: nil, in: .groups) { key, _ in
            groups.append(String(decoding: key[prefix.count..<(key.count - 1)], as: UTF8.self))
            return true
        }
        return groups
    }

    /// The nesting family of `type#relation`; nil when a name was never interned (then nothing nests).
    private func family(type: String, relation: String) -> NestingFamily? {
        guard let typeNumber = names.number(type), let relationNumber = names.number(relation) else { return nil }
        let codes = Self.familyCodes(typeNumber, relationNumber)
        return NestingFamily(store: store, names: codes, typeWidth: NameCode.width(first: codes[0]))
    }

    /// A family's `#T ‖ #R`, as ``NestingFamily/names`` and the expiring-nesting list hold it.
    private static func familyCodes(_ type: UInt32, _ relation: UInt32) -> [UInt8] {
        var codes: [UInt8] = []
        codes.reserveCapacity(8)
        NameCode.append(type, to: &codes)
        NameCode.append(relation, to: &codes)
        return codes
    }
}

import WardenModel

/// The byte layout of every key and value the tuple store writes: store format 2. See the README's "Store layout".
///
/// - forward: `store ‖ #object type ‖ object id ‖ #relation ‖ #user type ‖ #user relation ‖ user id` → condition
/// - reverse: `store ‖ #user type ‖ #user relation ‖ user id ‖ #object type ‖ #relation ‖ object id` → condition
/// - changes: `store ‖ revision ‖ sequence` → operation ‖ time ‖ the forward key after the store ‖ condition
/// - models: `store ‖ model ULID` → JSON; stores: `id` → number ‖ time ‖ name
/// - meta: `store ‖ name` → counter; `store ‖ 0x01 ‖ number` → an interned name (``NameDictionary``);
///   `0 ‖ format` → the store format.
///
/// `#name` is the name's number in the store's ``Names`` (``NameCode``: one byte for the first 127 names); ids end
/// in a 0 byte. A condition is `#name ‖ compact JSON context`, or empty for none. A plain user or a wildcard has
/// user relation #0 (the empty name); a wildcard's user id is `*`. Putting the user relation before the user id
/// makes "usersets `group#member` on this object" one prefix scan.
enum KeyLayout {
    /// LMDB's compiled-in key limit (Debian's liblmdb: 511 bytes).
    static let maximumKeyLength = 511
    /// The store format these keys are: kept in `meta` under ``formatKey``.
    static let format: UInt64 = 2
    static var formatKey: [UInt8] { metaKey(store: 0, "format") }

    static func userFields(_ user: UserRef) -> (type: String, relation: String, id: String) {
        switch user {
        case .object(let object): (object.type, "", object.id)
        case .wildcard(let type): (type, "", "*")
        case .userset(let object, let relation): (object.type, relation, object.id)
        }
    }

    static func user(type: String, relation: String, id: String) -> UserRef {
        if !relation.isEmpty { return .userset(ObjectRef(type: type, id: id), relation: relation) }
        return id == "*" ? .wildcard(type: type) : .object(ObjectRef(type: type, id: id))
    }

    /// The names a tuple's keys and condition need interned.
    static func names(of tuple: RelationshipTuple) -> [String] {
        var names = names(of: tuple.key)
        if let condition = tuple.condition { names.append(condition.name) }
        return names
    }

    static func names(of key: TupleKey) -> [String] {
        let user = userFields(key.user)
        return [key.object.type, key.relation, user.type, user.relation]
    }

    /// The forward key; nil when a name is not interned (so no such tuple is stored).
    static func forwardKey(store: UInt32, _ key: TupleKey, names: Names) throws(StoreError) -> [UInt8]? {
        var names = names
        return try forwardKey(store: store, key, numbering: &names)
    }

    static func forwardKey(store: UInt32, _ key: TupleKey, numbering names: inout some NameNumbering) throws(StoreError) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96)
        return try appendForwardKey(store: store, key, numbering: &names, to: &bytes) ? bytes : nil
    }

    /// Appends the forward key to `bytes` (a packed batch's buffer); false when a name is not interned. On false
    /// or an error, part of a key may have been appended: the caller cuts it off.
    static func appendForwardKey(
        store: UInt32, _ key: TupleKey, numbering names: inout some NameNumbering, to bytes: inout [UInt8]
    ) throws(StoreError) -> Bool {
        let start = bytes.count
        var encoder = KeyEncoder(adopting: &bytes)
        defer { encoder.release(into: &bytes) }
        encoder.append(store)
        let user = userFields(key.user)
        guard encoder.append(name: key.object.type, in: &names) else { return false }
        try encoder.append(field: key.object.id)
        guard encoder.append(name: key.relation, in: &names), encoder.append(name: user.type, in: &names),
            encoder.append(name: user.relation, in: &names)
        else { return false }
        try encoder.append(field: user.id)
        let length = encoder.bytes.count - start
        guard length <= maximumKeyLength else {
            throw StoreError(
                .invalidTuple,
                "tuple '\(key)' is too long to store: its key is \(length) bytes and the limit is \(maximumKeyLength)")
        }
        return true
    }

    /// Calls `body` with the forward key built in stack memory (no allocation); nil, without calling it, when a
    /// name is not interned. A key too long for the stack buffer is built as ``forwardKey(store:_:names:)`` does,
    /// with its error.
    static func withForwardKey<Result>(
        store: UInt32, _ key: TupleKey, names: Names, _ body: (UnsafeRawBufferPointer) throws(StoreError) -> Result
    ) throws(StoreError) -> Result? {
        let user = userFields(key.user)
        guard let type = names.number(key.object.type), let relation = names.number(key.relation),
            let userType = names.number(user.type), let userRelation = names.number(user.relation)
        else { return nil }
        let length = 4 + 4 * 4 + key.object.id.utf8.count + user.id.utf8.count + 2
        guard length <= 256 else {
            guard let forward = try forwardKey(store: store, key, names: names) else { return nil }
            let outcome: Swift.Result<Result, StoreError> = forward.withUnsafeBytes { buffer in
                do throws(StoreError) { return .success(try body(buffer)) } catch { return .failure(error) }
            }
            return try outcome.get()
        }
        let outcome: Swift.Result<Result, StoreError>? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
            var writer = StackKeyWriter(buffer.baseAddress!)
            writer.put(store: store)
            NameCode.write(type) { writer.put($0) }
            guard writer.put(field: key.object.id) else { return nil }
            NameCode.write(relation) { writer.put($0) }
            NameCode.write(userType) { writer.put($0) }
            NameCode.write(userRelation) { writer.put($0) }
            guard writer.put(field: user.id) else { return nil }
            do throws(StoreError) {
                return .success(try body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: writer.count)))
            } catch {
                return .failure(error)
            }
        }
        // A NUL in an id: the heap path names it in its error.
        guard let outcome else { return try forwardKey(store: store, key, names: names).flatMap { _ in nil } }
        return try outcome.get()
    }

    /// The reverse key; nil when a name is not interned.
    static func reverseKey(store: UInt32, _ key: TupleKey, names: Names) throws(StoreError) -> [UInt8]? {
        var encoder = KeyEncoder(store: store)
        let user = userFields(key.user)
        guard encoder.append(name: user.type, in: names), encoder.append(name: user.relation, in: names) else { return nil }
        try encoder.append(field: user.id)
        guard encoder.append(name: key.object.type, in: names), encoder.append(name: key.relation, in: names) else { return nil }
        try encoder.append(field: key.object.id)
        return encoder.bytes
    }

    /// The reverse key of a forward key, by moving its parts: no name is looked up.
    static func reverseKey(forward: [UInt8]) throws(StoreError) -> [UInt8] {
        var reverse = [UInt8]()
        reverse.reserveCapacity(forward.count)
        let outcome: Result<Void, StoreError> = forward.withUnsafeBytes { forward in
            Result { () throws(StoreError) in try appendReverseKey(forward: forward, to: &reverse) }
        }
        try outcome.get()
        return reverse
    }

    /// Appends the reverse key of a forward key to `reverse`, by moving its parts.
    static func appendReverseKey(forward: UnsafeRawBufferPointer, to reverse: inout [UInt8]) throws(StoreError) {
        // store ‖ #type ‖ id\0 ‖ #relation ‖ #user type ‖ #user relation ‖ user id\0
        let typeStart = 4
        guard typeStart < forward.count else { throw StoreError(.corrupted, "a forward key is truncated") }
        let idStart = typeStart + NameCode.width(first: forward[typeStart])
        guard idStart <= forward.count, let idEnd = forward[idStart...].firstIndex(of: 0), idEnd + 1 < forward.count else {
            throw StoreError(.corrupted, "a forward key is truncated")
        }
        let relationStart = idEnd + 1
        let userStart = relationStart + NameCode.width(first: forward[relationStart])
        guard userStart < forward.count else { throw StoreError(.corrupted, "a forward key is truncated") }
        reverse.append(contentsOf: UnsafeRawBufferPointer(rebasing: forward[0..<4]))
        reverse.append(contentsOf: UnsafeRawBufferPointer(rebasing: forward[userStart...]))
        reverse.append(contentsOf: UnsafeRawBufferPointer(rebasing: forward[typeStart..<idStart]))
        reverse.append(contentsOf: UnsafeRawBufferPointer(rebasing: forward[relationStart..<userStart]))
        reverse.append(contentsOf: UnsafeRawBufferPointer(rebasing: forward[idStart...idEnd]))
    }

    /// Reads a forward key (after the 4-byte store number).
    static func decodeForward(_ decoder: inout KeyDecoder, names: Names) throws(StoreError) -> TupleKey {
        let objectType = try names.name(try decoder.nameNumber())
        let objectID = try decoder.field()
        let relation = try names.name(try decoder.nameNumber())
        return TupleKey(object: ObjectRef(type: objectType, id: objectID), relation: relation, user: try decodeUser(&decoder, names: names))
    }

    /// Reads a user, `#user type ‖ #user relation ‖ user id` (the end of a forward key, the start of a reverse one).
    static func decodeUser(_ decoder: inout KeyDecoder, names: Names) throws(StoreError) -> UserRef {
        let userType = try names.name(try decoder.nameNumber())
        let userRelation = try names.name(try decoder.nameNumber())
        let userID = try decoder.field()
        return user(type: userType, relation: userRelation, id: userID)
    }

    /// Reads a whole forward or reverse key (with its store number).
    static func decode(_ buffer: UnsafeRawBufferPointer, in table: Table, names: Names) throws(StoreError) -> TupleKey {
        var decoder = KeyDecoder(buffer, skipping: 4)
        guard table == .reverse else { return try decodeForward(&decoder, names: names) }
        let user = try decodeUser(&decoder, names: names)
        let objectType = try names.name(try decoder.nameNumber())
        let relation = try names.name(try decoder.nameNumber())
        let objectID = try decoder.field()
        return TupleKey(object: ObjectRef(type: objectType, id: objectID), relation: relation, user: user)
    }

    /// A condition as stored: empty for none, else `#name ‖ compact JSON context` (nothing after the name for no
    /// context); nil when the name is not interned.
    static func encodeCondition(_ condition: TupleCondition?, names: Names) -> [UInt8]? {
        guard let condition else { return [] }
        var encoder = KeyEncoder(capacity: 16)
        guard encoder.append(name: condition.name, in: names) else { return nil }
        var bytes = encoder.bytes
        if let context = condition.context { bytes.append(contentsOf: context.compact.utf8) }
        return bytes
    }

    static func decodeCondition(_ buffer: UnsafeRawBufferPointer, names: Names) throws(StoreError) -> TupleCondition? {
        guard !buffer.isEmpty else { return nil }
        var decoder = KeyDecoder(buffer)
        let name = try names.name(try decoder.nameNumber())
        return try condition(name: name, context: decoder.remaining)
    }

    /// A tuple's stored value: its condition (``encodeCondition(_:names:)``), after `0 ‖ expiry` (8 bytes,
    /// milliseconds since 1970, big-endian) when it expires. No condition starts with a 0 byte (that is the empty
    /// name's number), so the two never mix. Nil when the condition's name is not interned.
    static func encodeValue(_ tuple: RelationshipTuple, names: Names) -> [UInt8]? {
        guard let condition = encodeCondition(tuple.condition, names: names) else { return nil }
        guard let expiry = tuple.expiresAtMilliseconds else { return condition }
        var value: [UInt8] = [0]
        value.reserveCapacity(9 + condition.count)
        withUnsafeBytes(of: expiry.bigEndian) { value.append(contentsOf: $0) }
        value.append(contentsOf: condition)
        return value
    }

    /// The expiry of a stored value, or nil when it never expires.
    @inline(__always)
    static func expiry(of value: UnsafeRawBufferPointer) -> UInt64? {
        guard value.count >= 9, value[0] == 0 else { return nil }
        var expiry: UInt64 = 0
        for index in 1...8 { expiry = expiry << 8 | UInt64(value[index]) }
        return expiry
    }

    /// Whether a stored value has expired at `now` (milliseconds since 1970).
    @inline(__always)
    static func expired(_ value: UnsafeRawBufferPointer, at now: UInt64) -> Bool {
        guard let expiry = expiry(of: value) else { return false }
        return expiry <= now
    }

    /// The tuple a key and its stored value make.
    static func tuple(_ key: TupleKey, value: UnsafeRawBufferPointer, names: Names) throws(StoreError) -> RelationshipTuple {
        RelationshipTuple(key, condition: try storedCondition(value, names: names), expiresAtMilliseconds: expiry(of: value))
    }

    /// The condition of a stored value (after its expiry, when it has one).
    static func storedCondition(_ value: UnsafeRawBufferPointer, names: Names) throws(StoreError) -> TupleCondition? {
        guard expiry(of: value) != nil else { return try decodeCondition(value, names: names) }
        return try decodeCondition(UnsafeRawBufferPointer(rebasing: value[9...]), names: names)
    }

    /// A condition from its name and stored context (empty for none).
    static func condition(name: String, context: UnsafeRawBufferPointer) throws(StoreError) -> TupleCondition {
        guard !context.isEmpty else { return TupleCondition(name: name) }
        do {
            return TupleCondition(name: name, context: try JSONValue.parse(String(decoding: context, as: UTF8.self)))
        } catch {
            throw StoreError(.corrupted, "the stored context of condition '\(name)' is not valid JSON")
        }
    }

    /// A counter's key; `name` is one of Warden's own constants, never user input.
    static func metaKey(store: UInt32, _ name: StaticString) -> [UInt8] {
        prefix(store: store) + name.withUTF8Buffer { Array($0) }
    }

    static func changeKey(store: UInt32, revision: UInt64, sequence: UInt32) -> [UInt8] {
        var encoder = KeyEncoder(store: store)
        encoder.append(revision)
        encoder.append(sequence)
        return encoder.bytes
    }

    static func prefix(store: UInt32) -> [UInt8] { KeyEncoder(store: store).bytes }
}

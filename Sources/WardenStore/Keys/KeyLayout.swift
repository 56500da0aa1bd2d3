import WardenModel

/// The byte layout of every key and value the tuple store writes. See the README's "Store layout".
///
/// - forward: `store ‖ object type ‖ object id ‖ relation ‖ user type ‖ user relation ‖ user id` → condition
/// - reverse: `store ‖ user type ‖ user relation ‖ user id ‖ object type ‖ relation ‖ object id` → condition
/// - changes: `store ‖ revision ‖ sequence` → operation ‖ time ‖ the forward fields ‖ condition
/// - models: `store ‖ model ULID` → JSON; meta: `store ‖ name` → counter; stores: `id` → number ‖ time ‖ name
///
/// A plain user or a wildcard has an empty user relation; a wildcard's user id is `*`. Putting the user relation
/// before the user id makes "usersets `group#member` on this object" one prefix scan.
enum KeyLayout {
    /// LMDB's compiled-in key limit (Debian's liblmdb: 511 bytes).
    static let maximumKeyLength = 511

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

    static func forwardKey(store: UInt32, _ key: TupleKey) throws(StoreError) -> [UInt8] {
        var encoder = KeyEncoder(store: store)
        let user = userFields(key.user)
        try encoder.append(field: key.object.type)
        try encoder.append(field: key.object.id)
        try encoder.append(field: key.relation)
        try encoder.append(field: user.type)
        try encoder.append(field: user.relation)
        try encoder.append(field: user.id)
        guard encoder.bytes.count <= maximumKeyLength else {
            throw StoreError(
                .invalidTuple,
                "tuple '\(key)' is too long to store: its key is \(encoder.bytes.count) bytes and the limit is "
                    + "\(maximumKeyLength)")
        }
        return encoder.bytes
    }

    static func reverseKey(store: UInt32, _ key: TupleKey) throws(StoreError) -> [UInt8] {
        var encoder = KeyEncoder(store: store)
        let user = userFields(key.user)
        try encoder.append(field: user.type)
        try encoder.append(field: user.relation)
        try encoder.append(field: user.id)
        try encoder.append(field: key.object.type)
        try encoder.append(field: key.relation)
        try encoder.append(field: key.object.id)
        return encoder.bytes
    }

    /// Reads a forward key (after the 4-byte store number).
    static func decodeForward(_ decoder: inout KeyDecoder) throws(StoreError) -> TupleKey {
        let objectType = try decoder.field()
        let objectID = try decoder.field()
        let relation = try decoder.field()
        let userType = try decoder.field()
        let userRelation = try decoder.field()
        let userID = try decoder.field()
        return TupleKey(
            object: ObjectRef(type: objectType, id: objectID), relation: relation,
            user: user(type: userType, relation: userRelation, id: userID))
    }

    /// Reads a whole forward or reverse key (with its store number).
    static func decode(_ buffer: UnsafeRawBufferPointer, in table: Table) throws(StoreError) -> TupleKey {
        guard table == .forward else { return try decodeReverse(buffer) }
        var decoder = KeyDecoder(buffer, skipping: 4)
        return try decodeForward(&decoder)
    }

    static func decodeReverse(_ buffer: UnsafeRawBufferPointer) throws(StoreError) -> TupleKey {
        var decoder = KeyDecoder(buffer, skipping: 4)
        let userType = try decoder.field()
        let userRelation = try decoder.field()
        let userID = try decoder.field()
        let objectType = try decoder.field()
        let relation = try decoder.field()
        let objectID = try decoder.field()
        return TupleKey(
            object: ObjectRef(type: objectType, id: objectID), relation: relation,
            user: user(type: userType, relation: userRelation, id: userID))
    }

    /// A condition as stored: empty for none, else `name ‖ 0 ‖ compact JSON context` (empty JSON for none).
    static func encodeCondition(_ condition: TupleCondition?) throws(StoreError) -> [UInt8] {
        guard let condition else { return [] }
        var encoder = KeyEncoder()
        try encoder.append(field: condition.name)
        var bytes = encoder.bytes
        if let context = condition.context { bytes.append(contentsOf: context.compact.utf8) }
        return bytes
    }

    static func decodeCondition(_ buffer: UnsafeRawBufferPointer) throws(StoreError) -> TupleCondition? {
        guard !buffer.isEmpty else { return nil }
        var decoder = KeyDecoder(buffer)
        let name = try decoder.field()
        let rest = decoder.remaining
        guard !rest.isEmpty else { return TupleCondition(name: name) }
        do {
            return TupleCondition(name: name, context: try JSONValue.parse(String(decoding: rest, as: UTF8.self)))
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

    static func prefix(store: UInt32, fields: [String]) throws(StoreError) -> [UInt8] {
        var encoder = KeyEncoder(store: store)
        for field in fields { try encoder.append(field: field) }
        return encoder.bytes
    }
}

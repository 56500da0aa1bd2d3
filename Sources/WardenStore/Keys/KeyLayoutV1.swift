import WardenModel

/// Store format 1, read only by `warden migrate`: names spelled out in every key.
///
/// - forward: `store ‖ object type ‖ object id ‖ relation ‖ user type ‖ user relation ‖ user id` → condition
/// - reverse: `store ‖ user type ‖ user relation ‖ user id ‖ object type ‖ relation ‖ object id` → condition
/// - changes: `store ‖ revision ‖ sequence` → operation ‖ time ‖ the forward fields ‖ condition
/// - models: `store ‖ model ULID` → JSON; meta: `store ‖ name` → counter; stores: `id` → number ‖ time ‖ name
///
/// A plain user or a wildcard has an empty user relation; a wildcard's user id is `*`. Putting the user relation
/// before the user id makes "usersets `group#member` on this object" one prefix scan.
enum KeyLayoutV1 {
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
            user: KeyLayout.user(type: userType, relation: userRelation, id: userID))
    }

    static func decodeCondition(_ buffer: UnsafeRawBufferPointer) throws(StoreError) -> TupleCondition? {
        guard !buffer.isEmpty else { return nil }
        var decoder = KeyDecoder(buffer)
        let name = try decoder.field()
        return try KeyLayout.condition(name: name, context: decoder.remaining)
    }
}

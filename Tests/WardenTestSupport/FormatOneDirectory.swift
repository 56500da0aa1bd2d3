import Foundation
import WardenModel
@testable import WardenStore

/// A data directory as a store-format-1 warden left it, for the migration tests of the store and the CLI: one store
/// with ``tuples`` written at revision 1 and the last one deleted at revision 2, every key spelling out its names.
public enum FormatOneDirectory {
    /// Tuples of every user shape, with and without a condition.
    public static let tuples: [RelationshipTuple] = [
        RelationshipTuple(try! TupleKey(object: "document:d1", relation: "viewer", user: "user:anne")),
        RelationshipTuple(try! TupleKey(object: "document:d1", relation: "viewer", user: "group:eng#member")),
        RelationshipTuple(try! TupleKey(object: "document:d2", relation: "viewer", user: "user:*")),
        RelationshipTuple(
            try! TupleKey(object: "document:d3", relation: "editor", user: "user:bob"),
            condition: TupleCondition(name: "in_hours", context: .object([("start", .number("9"))]))),
        RelationshipTuple(try! TupleKey(object: "document:d4", relation: "editor", user: "user:carl"), condition: TupleCondition(name: "in_hours")),
    ]

    /// A directory as a format-1 warden left it: one store with `tuples` written at revision 1 and the last one
    /// deleted at revision 2, keys spelling out every name.
    public static func make() throws -> (TemporaryDirectory, storeID: String) {
        let directory = try TemporaryDirectory()
        let id: String
        do {
            let store = try LMDBTupleStore(path: directory.path)
            id = try store.createStore(name: "legacy").id
            var handles: [Table: LMDBDatabase] = [:]
            for table in Table.allCases { handles[table] = try store.environment.database(named: table.databaseName) }
            try store.environment.write { transaction in
                let database = { (table: Table) in handles[table]! }
                let removed = try transaction.delete(KeyLayout.formatKey, in: database(.meta))
                precondition(removed, "a new directory records its format")
                func field(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }
                func fields(_ key: TupleKey) -> (forward: [UInt8], reverse: [UInt8]) {
                    let user = KeyLayout.userFields(key.user)
                    let forward = field(key.object.type) + field(key.object.id) + field(key.relation) + field(user.type) + field(user.relation) + field(user.id)
                    let reverse = field(user.type) + field(user.relation) + field(user.id) + field(key.object.type) + field(key.relation) + field(key.object.id)
                    return (forward, reverse)
                }
                func condition(_ tuple: RelationshipTuple) -> [UInt8] {
                    guard let condition = tuple.condition else { return [] }
                    return field(condition.name) + Array((condition.context?.compact ?? "").utf8)
                }
                let store: [UInt8] = [0, 0, 0, 1]
                for (sequence, tuple) in tuples.enumerated() {
                    let (forward, reverse) = fields(tuple.key)
                    if sequence < tuples.count - 1 {
                        try transaction.put(store + forward, condition(tuple), in: database(.forward))
                        try transaction.put(store + reverse, condition(tuple), in: database(.reverse))
                    }
                    let change = [1] + TupleTables.bytes(1_000) + forward + condition(tuple)
                    try transaction.put(KeyLayout.changeKey(store: 1, revision: 1, sequence: UInt32(sequence)), change, in: database(.changes))
                }
                let last = tuples[tuples.count - 1]
                let deletion = [2] + TupleTables.bytes(2_000) + fields(last.key).forward + condition(last)
                try transaction.put(KeyLayout.changeKey(store: 1, revision: 2, sequence: 0), deletion, in: database(.changes))
                try transaction.put(KeyLayout.metaKey(store: 1, "revision"), TupleTables.bytes(2), in: database(.meta))
            }
        }
        return (directory, id)
    }

}

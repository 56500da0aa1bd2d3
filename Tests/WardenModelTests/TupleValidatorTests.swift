import Testing
import WardenModel

/// Every rule of OpenFGA's tuple validation, with OpenFGA's reason text.
@Suite("Tuple validation")
struct TupleValidatorTests {
    static let model = try! DSLParser.parseModel(
        """
        model
          schema 1.1
        type user
        type group
          relations
            define member: [user, group#member]
        type folder
          relations
            define viewer: [user]
        type doc
          relations
            define parent: [folder]
            define viewer: [user, user:*, group#member, user with ok] or viewer from parent
            define editor: [user with ok]
            define owner: [user]
            define computed: owner
        condition ok(note: string) {
          note != ""
        }
        """)

    static func reason(_ object: String, _ relation: String, _ user: String, condition: TupleCondition? = nil) throws -> String? {
        let tuple = RelationshipTuple(try TupleKey(object: object, relation: relation, user: user), condition: condition)
        do {
            try TupleValidator(model: model).validate(tuple)
            return nil
        } catch {
            #expect(error.description == "Invalid tuple '\(tuple.key.description.quotedForMessage(limit: 600))'. Reason: \(error.reason)")
            return error.reason
        }
    }

    @Test("valid tuples pass")
    func valid() throws {
        #expect(try Self.reason("doc:1", "viewer", "user:anne") == nil)
        #expect(try Self.reason("doc:1", "viewer", "user:*") == nil)
        #expect(try Self.reason("doc:1", "viewer", "group:eng#member") == nil)
        #expect(try Self.reason("doc:1", "viewer", "user:anne", condition: TupleCondition(name: "ok", context: .object([("note", .string("x"))]))) == nil)
        #expect(try Self.reason("doc:1", "parent", "folder:f") == nil)
        #expect(try Self.reason("group:a", "member", "group:b#member") == nil)
    }

    @Test("each rule, with OpenFGA's reason", arguments: [
        ("doc:1", "viewer", "robot:r", nil as String?, "type 'robot' not found"),
        ("nope:1", "viewer", "user:anne", nil, "type 'nope' not found"),
        ("doc:1", "nope", "user:anne", nil, "relation 'doc#nope' not found"),
        ("doc:1", "viewer", "group:eng#nope", nil, "relation 'group#nope' not found"),
        ("doc:1", "parent", "folder:*", nil, "unexpected wildcard relationship with tupleset relation 'doc#parent'"),
        ("doc:1", "parent", "folder:f#viewer", nil, "unexpected userset relationship with tupleset relation 'doc#parent'"),
        ("doc:1", "owner", "user:*", nil, "the typed wildcard 'user:*' is not an allowed type restriction for 'doc#owner'"),
        ("doc:1", "owner", "group:eng#member", nil, "'group#member' is not an allowed type restriction for 'doc#owner'"),
        ("doc:1", "owner", "folder:f", nil, "type 'folder' is not an allowed type restriction for 'doc#owner'"),
        ("doc:1", "computed", "user:anne", nil, "type 'user' is not an allowed type restriction for 'doc#computed'"),
        ("doc:1", "editor", "user:anne", nil, "condition is missing"),
        ("doc:1", "owner", "user:anne", "ok", "invalid condition for type restriction"),
        ("doc:1", "viewer", "user:anne", "nope", "undefined condition"),
        ("group:g", "member", "group:g#member", nil, "cannot write a tuple that is implicit"),
    ])
    func rules(_ object: String, _ relation: String, _ user: String, _ condition: String?, _ expected: String) throws {
        #expect(try Self.reason(object, relation, user, condition: condition.map { TupleCondition(name: $0) }) == expected)
    }

    @Test("lengths and contexts")
    func limits() throws {
        let long = String(repeating: "u", count: 600)
        #expect(try Self.reason("doc:1", "viewer", "user:\(long)") == "the user is longer than 512 bytes")
        let context = JSONValue.object([("note", .string("x")), ("other", .number("1"))])
        #expect(try Self.reason("doc:1", "viewer", "user:anne", condition: TupleCondition(name: "ok", context: context)) == "found invalid context parameter: other")
        #expect(try Self.reason("doc:1", "viewer", "user:anne", condition: TupleCondition(name: "ok", context: .array([]))) == "the condition context must be a JSON object")
    }
}

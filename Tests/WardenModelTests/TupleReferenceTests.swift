import Testing
import WardenModel
import WardenTestSupport

/// The tuple vocabulary: object and user references, checked against OpenFGA's object-id cases.
@Suite("Tuple references")
struct TupleReferenceTests {
    static let objectIDCases: [(String, Bool)] = ((try? Fixtures.yamlCases("dsl/invalid/object-id.yaml")) ?? []).compactMap {
        guard let id = $0["object_id"] as? String, let valid = $0["valid"] as? Bool else { return nil }
        return (id, valid)
    }

    /// OpenFGA's language package refuses a comma in an object id; its server (`[^#:\\s]+`) and CLI accept it, and
    /// the server is the reference (`fga model test` writes and checks `doc:x,y`).
    static let serverAccepts: Set<String> = ["a,b"]

    @Test("object ids are accepted exactly as OpenFGA's server accepts them", arguments: objectIDCases)
    func objectIDs(id: String, valid: Bool) {
        #expect(ObjectRef.isValidID(id) == (valid || Self.serverAccepts.contains(id)))
        #expect((try? ObjectRef(parsing: "document:\(id)")) != nil || !valid)
    }

    @Test("the corpus holds 23 object-id cases, or the skip is said")
    func corpusPresence() {
        if Fixtures.corpusPresent(for: "object-id corpus") { #expect(Self.objectIDCases.count == 23) }
    }

    @Test("user references: object, wildcard, userset")
    func users() throws {
        #expect(try UserRef(parsing: "user:anne") == .object(ObjectRef(type: "user", id: "anne")))
        #expect(try UserRef(parsing: "user:*") == .wildcard(type: "user"))
        #expect(try UserRef(parsing: "group:eng#member") == .userset(ObjectRef(type: "group", id: "eng"), relation: "member"))
        #expect(try UserRef(parsing: "user:auth0|abc123").description == "user:auth0|abc123")
    }

    @Test("malformed references name what is wrong", arguments: [
        ("anne", "invalid reference 'anne': an object is written type:id, as in document:1"),
        ("user:", "invalid reference 'user:': the object id '' must be non-empty and hold no whitespace, control character, '#' or ':'"),
        (":anne", "invalid reference ':anne': '' is not a valid type name"),
        ("group:eng#", "invalid reference 'group:eng#': '' is not a valid relation name"),
        ("user:a b", "invalid reference 'user:a b': the object id 'a b' must be non-empty and hold no whitespace, control character, '#' or ':'"),
    ])
    func malformed(text: String, message: String) {
        #expect(throws: TupleReferenceError.self) { try UserRef(parsing: text) }
        do {
            _ = try UserRef(parsing: text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("finding 9: a megabyte id is not echoed whole, and invisible or direction-changing characters are escaped")
    func quotedInMessages() {
        let huge = "document:" + String(repeating: "x", count: 1_000_000) + "#"
        var message = ""
        do {
            _ = try ObjectRef(parsing: huge)
        } catch {
            message = error.description
        }
        #expect(message.utf8.count < 1_000)
        #expect(message.contains("… (1000010 bytes)"))
        #expect("a\u{202E}b\u{200B}c".quotedForMessage() == "a\\u{202E}b\\u{200B}c")
    }
}

import Foundation
import Testing
import WardenScopes

/// Hardening finding 2 (tenant files change grants silently) and part of finding 3 (token lifetimes that overflow):
/// every mistake is an error at its line and column.
@Suite("Hardening: tenant files are strict")
struct TenantStrictnessTests {
    static let api = """
        resourceServers:
          - name: Retail API
            identifier: https://api.retail.example
            enforce_policies: true
            scopes:
              - value: write:products

        """

    static func failure(_ text: String) -> TenantFile.Failure? {
        do {
            _ = try TenantFile.parse(text, file: "t.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test("finding 2: a misspelt key (enforce_polices) is an error at its line and column, not RBAC off")
    func misspeltKey() throws {
        let text = Self.api.replacingOccurrences(of: "enforce_policies", with: "enforce_polices")
        let failure = try #require(Self.failure(text))
        #expect(failure.file == "t.yaml:4:5")
        #expect(failure.message.hasPrefix("unknown key 'enforce_polices' in an API (resourceServers entry)"))
    }

    @Test("finding 2: an entry listed twice is an error naming it, not 'the last wins'", arguments: [
        ("roles:\n  - name: Support Agent\n  - name: Support Agent\n", "roles: the role 'Support Agent' is listed twice (first at line 8)"),
        ("users:\n  - user_id: anne\n  - user_id: anne\n", "users: the user 'anne' is listed twice (first at line 8)"),
        ("clients:\n  - name: portal\n  - name: portal\n", "clients: the application 'portal' is listed twice (first at line 8)"),
    ])
    func duplicates(_ tail: String, _ message: String) throws {
        let failure = try #require(Self.failure(Self.api + tail))
        #expect(failure.message == message)
        #expect(failure.file == "t.yaml:9:5")
    }

    @Test("finding 2: a YAML syntax error and an empty file say where")
    func syntaxAndEmpty() throws {
        let syntax = try #require(Self.failure("roles:\n  - name: [unclosed\n"))
        #expect(syntax.file.hasPrefix("t.yaml:"))
        #expect(syntax.message.hasPrefix("YAML syntax error"))
        let empty = try #require(Self.failure(""))
        #expect(empty.file == "t.yaml:1:1")
    }

    @Test("finding 3: token_lifetime outside 1 second to 30 days is refused, not an overflow or an expired token",
        arguments: ["9223372036854775807", "-5", "0", "2592001"])
    func lifetimes(_ lifetime: String) throws {
        let text = Self.api.replacingOccurrences(of: "    enforce_policies: true\n", with: "    enforce_policies: true\n    token_lifetime: \(lifetime)\n")
        let failure = try #require(Self.failure(text))
        #expect(failure.message.contains("token_lifetime must be between 1 and 2592000 seconds"))
    }

    @Test("finding 3: a YAML alias bomb is refused before it expands")
    func aliasBomb() throws {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (index, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].enumerated() {
            let previous = index == 0 ? "a" : ["b", "c", "d", "e", "f", "g", "h", "i"][index - 1]
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        let started = ContinuousClock.now
        let failure = try #require(Self.failure(text))
        #expect(failure.message.contains("aliases"))
        #expect(ContinuousClock.now - started < .seconds(1))
    }
}

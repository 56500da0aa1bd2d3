import Foundation
import Testing
import WardenModel
import WardenTestSupport

/// Store, tuple and query commands against a real data directory, and a writer killed mid-import.
@Suite("warden CLI: stores, tuples, queries")
struct StoreCLITests {
    static let model = """
        model
          schema 1.1
        type user
        type warehouse
          relations
            define manager: [user]
        type product
          relations
            define warehouse: [warehouse]
            define can_write: manager from warehouse
        """

    static func run(_ arguments: [String]) throws -> CLITests.Result { try CLITests.run(arguments) }

    @Test("a format-1 directory is refused, naming `warden migrate`, which converts it; doctor then finds it consistent")
    func migrate() throws {
        let (directory, _) = try FormatOneDirectory.make()
        let path = directory.path
        let refused = try Self.run(["store", "list", "--data", path])
        #expect(refused.status == 2)
        #expect(refused.stderr == "error: data directory '\(path)' is in store format 1; this warden reads format 2: run `warden migrate --data \(path)` (it rewrites the directory in one transaction)\n")
        let migrated = try Self.run(["migrate", "--data", path])
        #expect(migrated.status == 0)
        #expect(migrated.stdout == "\(path): store format 1 → 2: 1 stores, 4 tuples, 6 changes rewritten\n")
        #expect(try Self.run(["migrate", "--data", path]).stdout == "\(path): already in store format 2; nothing to do\n")
        let read = try Self.run(["tuple", "read", "--object", "document:d3", "--data", path, "--store", "legacy"])
        #expect(read.stdout == "document:d3#editor@user:bob with in_hours {\"start\":9}\n")
        let doctor = try Self.run(["doctor", "--data", path])
        #expect(doctor.status == 0)
        #expect(doctor.stdout.contains("4 tuples at revision 2"))
        #expect(try Self.run(["index", "status", "--data", path, "--store", "legacy"]).stdout == "on: checks through nested groups answer from the index\n")
    }

    @Test("tuple write --expires-at/--expires-in: shown on read and export until it expires, refused when malformed")
    func expiringTuples() throws {
        let data = try TemporaryDirectory()
        let model = try CLITests.temporaryFile("docs.fga", "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n")
        let s = ["--data", data.path, "--store", "docs"]
        #expect(try Self.run(["store", "create", "docs", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", model] + s).status == 0)
        let later = try Self.run(["tuple", "write", "user:anne", "viewer", "doc:1", "--expires-at", "2099-01-01T00:00:00Z"] + s)
        #expect(later.stdout == "wrote doc:1#viewer@user:anne until 2099-01-01T00:00:00.000Z (revision 1)\n")
        let past = try Self.run(["tuple", "write", "user:bob", "viewer", "doc:1", "--expires-at", "2001-01-01T00:00:00Z"] + s)
        #expect(past.status == 0)
        #expect(try Self.run(["tuple", "write", "user:carl", "viewer", "doc:1", "--expires-in", "30d"] + s).status == 0)
        #expect(try Self.run(["tuple", "read", "--object", "doc:1", "--user", "user:anne"] + s).stdout == "doc:1#viewer@user:anne until 2099-01-01T00:00:00.000Z\n")
        let exported = try Self.run(["tuple", "export"] + s).stdout
        #expect(exported.contains(#""user":"user:anne","relation":"viewer","object":"doc:1","expires_at":"2099-01-01T00:00:00.000Z""#))
        #expect(!exported.contains("user:bob"), "expired: shown nowhere")
        #expect(try Self.run(["check", "user:bob", "viewer", "doc:1"] + s).status == 1)
        #expect(try Self.run(["check", "user:carl", "viewer", "doc:1"] + s).status == 0)
        for (flag, value) in [("--expires-at", "2030-13-45T99:00:00Z"), ("--expires-in", "-5d"), ("--expires-in", String(repeating: "9", count: 5_000) + "d")] {
            let refused = try Self.run(["tuple", "write", "user:dan", "viewer", "doc:1", flag, value] + s)
            #expect(refused.status == 64 && refused.stderr.contains(flag), "\(flag) \(value.prefix(20))")
        }
        let both = try Self.run(["tuple", "write", "user:dan", "viewer", "doc:1", "--expires-in", "1d", "--expires-at", "2099-01-01T00:00:00Z"] + s)
        #expect(both.status == 64 && both.stderr.contains("give --expires-in or --expires-at, not both"))
        let sweep = try Self.run(["serve", "--data", data.path, "--expiry-sweep-interval", "0"])
        #expect(sweep.status == 64 && sweep.stderr.contains("--expiry-sweep-interval is 0.01 to 86400 seconds"))
        let bad = try Self.run(["tuple", "write", "user:dan", "viewer", "doc:1", "--expires-in", "soon"] + s)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--expires-in is a whole number of days, hours, minutes or seconds"))
    }

    @Test("warden index: on for a new store, off drops it (checks still answer), rebuild brings it back; doctor agrees")
    func nestedGroupIndex() throws {
        let data = try TemporaryDirectory()
        let model = try CLITests.temporaryFile("groups.fga", """
            model
              schema 1.1
            type user
            type group
              relations
                define member: [user, group#member]
            """)
        let tuples = try CLITests.temporaryFile(
            "groups.jsonl", (0..<30).map { #"{"user":"group:g\#($0 + 1)#member","relation":"member","object":"group:g\#($0)"}"# }.joined(separator: "\n")
                + "\n" + #"{"user":"user:anne","relation":"member","object":"group:g30"}"#)
        let s = ["--data", data.path, "--store", "org"]
        #expect(try Self.run(["store", "create", "org", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", model] + s).status == 0)
        #expect(try Self.run(["tuple", "import", tuples] + s).status == 0)
        #expect(try Self.run(["index", "status"] + s).stdout == "on: checks through nested groups answer from the index\n")
        func check(_ group: String) throws -> String {
            let result = try Self.run(["check", "user:anne", "member", group] + s)
            return result.stdout + result.stderr
        }
        let answers = (try check("group:g5"), try check("group:g4"))
        #expect(answers.0.hasPrefix("allowed"))
        #expect(answers.1.contains("required too many rewrite rules"), "\(answers.1)")
        let off = try Self.run(["index", "off"] + s)
        #expect(off.status == 0 && off.stdout.hasPrefix("dropped the nested-group index of "))
        #expect(try Self.run(["index", "status"] + s).stdout == "off: checks walk the nesting (`warden index rebuild` turns it on)\n")
        #expect(try check("group:g5") == answers.0)
        #expect(try check("group:g4") == answers.1)
        let rebuilt = try Self.run(["index", "rebuild"] + s)
        #expect(rebuilt.status == 0 && rebuilt.stdout.hasPrefix("rebuilt the nested-group index of "))
        #expect(try check("group:g4") == answers.1)
        #expect(try Self.run(["doctor", "--data", data.path]).status == 0)
    }

    @Test("finding 5: a bad tuple in any file is found before the first batch commits, named by file and position")
    func importValidatesEverythingFirst() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let good = try CLITests.temporaryFile(
            "good.jsonl", (1...5).map { #"{"user":"user:u\#($0)","relation":"manager","object":"warehouse:w\#($0)"}"# }.joined(separator: "\n"))
        let bad = try CLITests.temporaryFile(
            "bad.jsonl",
            #"{"user":"user:x","relation":"manager","object":"warehouse:x"}"# + "\n"
                + #"{"user":"user:y","relation":"owner","object":"warehouse:y"}"# + "\n")
        let s = ["--data", data.path, "--store", "retail"]
        #expect(try Self.run(["store", "create", "retail", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", modelPath] + s).status == 0)
        let imported = try Self.run(["tuple", "import", good, bad, "--batch-size", "2"] + s)
        #expect(imported.status == 2)
        #expect(imported.stderr == "\(bad):2: error: Invalid tuple 'warehouse:y#owner@user:y'. Reason: relation 'warehouse#owner' not found\nnothing was written\n")
        #expect(try Self.run(["tuple", "export"] + s).stdout == "")
    }

    @Test("finding 5: a bad line is named FILE:LINE in JSONL (blank lines counted) and CSV; a malformed line too")
    func importNamesLines() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let s = ["--data", data.path, "--store", "retail"]
        #expect(try Self.run(["store", "create", "retail", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", modelPath] + s).status == 0)
        let jsonl = try CLITests.temporaryFile(
            "lines.jsonl",
            #"{"user":"user:a","relation":"manager","object":"warehouse:a"}"# + "\n\n  \n"
                + #"{"user":"user:b","relation":"manager","object":"product:b"}"# + "\n")
        let first = try Self.run(["tuple", "import", jsonl] + s)
        #expect(first.status == 2)
        #expect(first.stderr.hasPrefix("\(jsonl):4: error: Invalid tuple 'product:b#manager@user:b'."))
        let csv = try CLITests.temporaryFile(
            "rows.csv",
            "user_type,user_id,user_relation,relation,object_type,object_id,condition_name,condition_context\n"
                + "user,a,,manager,warehouse,a,,\n"
                + "user,\"b,c\",,manager,warehouse,b,,\n"
                + "user,d,,owner,warehouse,d,,\n"
                + "user,\"e\nf\",,manager,warehouse,e,,\n")
        let second = try Self.run(["tuple", "import", csv] + s)
        #expect(second.status == 2)
        #expect(second.stderr.hasPrefix("\(csv):4: error: Invalid tuple 'warehouse:d#owner@user:d'."))
        // A quoted field may span lines; the record is named by the line it starts on.
        let spanning = try CLITests.temporaryFile(
            "spanning.csv",
            "user_type,user_id,user_relation,relation,object_type,object_id,condition_name,condition_context\n"
                + "user,a,,manager,warehouse,a,,\nuser,\"e\nf\",,manager,warehouse,e,,\n")
        #expect(try Self.run(["tuple", "import", spanning] + s).stderr.hasPrefix("\(spanning):3: error: invalid reference 'user:e\\u{A}f'"))
        let malformed = try CLITests.temporaryFile("broken.jsonl", #"{"user":"user:a","relation":"manager","object":"warehouse:a"}"# + "\n{\"user\":\n")
        let third = try Self.run(["tuple", "import", malformed] + s)
        #expect(third.status == 2)
        #expect(third.stderr.hasPrefix("\(malformed):2: error: "))
        #expect(try Self.run(["tuple", "export"] + s).stdout == "")
    }

    @Test("finding 5: --on-duplicate ignore resumes an interrupted import and counts exactly what it wrote")
    func importResumes() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let s = ["--data", data.path, "--store", "retail"]
        #expect(try Self.run(["store", "create", "retail", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", modelPath] + s).status == 0)
        let lines = (1...8).map { #"{"user":"user:u\#($0)","relation":"manager","object":"warehouse:w"}"# }
        let part = try CLITests.temporaryFile("part.jsonl", lines.prefix(5).joined(separator: "\n"))
        let whole = try CLITests.temporaryFile("whole.jsonl", lines.joined(separator: "\n"))
        #expect(try Self.run(["tuple", "import", part, "--batch-size", "2"] + s).stdout.hasPrefix("imported 5 tuples in "))
        let again = try Self.run(["tuple", "import", whole, "--batch-size", "2"] + s)
        #expect(again.status == 2)
        #expect(again.stderr.contains("cannot write a tuple which already exists"))
        let resumed = try Self.run(["tuple", "import", whole, "--batch-size", "2", "--on-duplicate", "ignore"] + s)
        #expect(resumed.status == 0)
        #expect(resumed.stdout.hasPrefix("imported 3 tuples, 5 already present in "))
        let stored = try Self.run(["tuple", "export"] + s).stdout.split(separator: "\n").map(String.init)
        #expect(Set(stored) == Set(lines))
    }

    @Test("finding 9: an id with U+202E is accepted (as OpenFGA does) with a warning, and shown escaped in text output")
    func invisibleCharactersInIDs() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let s = ["--data", data.path, "--store", "retail"]
        #expect(try Self.run(["store", "create", "retail", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", modelPath] + s).status == 0)
        let written = try Self.run(["tuple", "write", "user:anne\u{202E}lla", "manager", "warehouse:w1"] + s)
        #expect(written.status == 0)
        #expect(written.stderr == "warning: warehouse:w1#manager@user:anne\\u{202E}lla has an id with invisible or direction-changing characters (it may display as another id)\n")
        #expect(written.stdout.hasPrefix("wrote warehouse:w1#manager@user:anne\\u{202E}lla (revision "))
        #expect(try Self.run(["tuple", "read"] + s).stdout == "warehouse:w1#manager@user:anne\\u{202E}lla\n")
        #expect(try Self.run(["tuple", "read", "--output", "jsonl"] + s).stdout.contains("anne\u{202E}lla"))
        let explained = try Self.run(["check", "user:anne\u{202E}lla", "manager", "warehouse:w1", "--explain"] + s)
        #expect(explained.stdout.contains("✓ warehouse:w1#manager@user:anne\\u{202E}lla"))
        let file = try CLITests.temporaryFile("z.jsonl", #"{"user":"user:zw\#u{200B}j","relation":"manager","object":"warehouse:w2"}"#)
        let imported = try Self.run(["tuple", "import", file] + s)
        #expect(imported.status == 0)
        #expect(imported.stderr == "warning: 1 tuple(s) have ids with invisible or direction-changing characters (they may display as other ids): \(file):1: warehouse:w2#manager@user:zw\\u{200B}j\n")
    }

    @Test("create a store, write a model and tuples, check, list, read, export")
    func workflow() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let tuplesPath = try CLITests.temporaryFile(
            "tuples.jsonl",
            """
            {"user":"user:anne","relation":"manager","object":"warehouse:w1"}
            {"user":"warehouse:w1","relation":"warehouse","object":"product:p1"}
            {"user":"warehouse:w2","relation":"warehouse","object":"product:p2"}

            """)
        let d = ["--data", data.path]
        let created = try Self.run(["store", "create", "retail"] + d)
        #expect(created.status == 0)
        let storeID = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(storeID.count == 26)
        #expect(try Self.run(["store", "list"] + d).stdout == "\(storeID)  retail\n")
        let s = d + ["--store", "retail"]
        #expect(try Self.run(["model", "write", modelPath] + s).status == 0)
        let imported = try Self.run(["tuple", "import", tuplesPath, "--log-batches", "--batch-size", "2"] + s)
        #expect(imported.status == 0)
        #expect(imported.stdout.hasPrefix("committed 2\ncommitted 3\nimported 3 tuples in "))
        let allowed = try Self.run(["check", "user:anne", "can_write", "product:p1"] + s)
        #expect(allowed.status == 0)
        #expect(allowed.stdout == "allowed\n")
        let denied = try Self.run(["check", "user:anne", "can_write", "product:p2"] + s)
        #expect(denied.status == 1)
        #expect(denied.stdout == "denied\n")
        #expect(try Self.run(["list-objects", "user:anne", "can_write", "product"] + s).stdout == "product:p1\n")
        #expect(try Self.run(["list-users", "product:p1", "can_write", "--filter", "user"] + s).stdout == "user:anne\n")
        #expect(try Self.run(["tuple", "read", "--object", "product:p2"] + s).stdout == "product:p2#warehouse@warehouse:w2\n")
        let exported = try Self.run(["tuple", "export", "--format", "csv"] + s)
        #expect(exported.stdout == """
            user_type,user_id,user_relation,relation,object_type,object_id,condition_name,condition_context
            user,anne,,manager,warehouse,w1,,
            warehouse,w1,,warehouse,product,p1,,
            warehouse,w2,,warehouse,product,p2,,

            """)
        let bad = try Self.run(["tuple", "write", "user:anne", "owner", "warehouse:w1"] + s)
        #expect(bad.status == 2)
        #expect(bad.stderr == "error: Invalid tuple 'warehouse:w1#owner@user:anne'. Reason: relation 'warehouse#owner' not found\n")
        let duplicate = try Self.run(["tuple", "write", "user:anne", "manager", "warehouse:w1"] + s)
        #expect(duplicate.status == 2)
        #expect(try Self.run(["tuple", "write", "user:anne", "manager", "warehouse:w1", "--on-duplicate", "ignore"] + s).status == 0)
        #expect(try Self.run(["check", "user:anne", "can_write", "product:p1", "--store", "nope"] + d).stderr == "error: store 'nope' not found\n")
        #expect(try Self.run(["store", "delete"] + s).status == 0)
        #expect(try Self.run(["store", "list"] + d).stdout == "")
    }

    @Test("tuple watch prints changes as JSON lines with their positions; --after resumes right after one, '' from the first")
    func watch() throws {
        let data = try TemporaryDirectory()
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let s = ["--data", data.path, "--store", "retail"]
        #expect(try Self.run(["store", "create", "retail", "--data", data.path]).status == 0)
        #expect(try Self.run(["model", "write", modelPath] + s).status == 0)
        for warehouse in ["w1", "w2", "w3"] {
            #expect(try Self.run(["tuple", "write", "user:anne", "manager", "warehouse:\(warehouse)"] + s).status == 0)
        }
        let all = try Self.run(["tuple", "watch", "--after", "", "--count", "3"] + s)
        #expect(all.status == 0)
        let lines = try all.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(lines.map { $0["tuple_key"]?["object"] } == ["warehouse:w1", "warehouse:w2", "warehouse:w3"].map { JSONValue.string($0) })
        guard case .string(let first)? = lines.first?["position"] else {
            Issue.record("no position in \(all.stdout)")
            return
        }
        let rest = try Self.run(["tuple", "watch", "--after", first, "--count", "2"] + s)
        #expect(rest.stdout.split(separator: "\n").compactMap { line in
            (try? JSONValue.parse(String(line)))?["tuple_key"]?["object"]
        } == ["warehouse:w2", "warehouse:w3"].map { JSONValue.string($0) })
        #expect(try Self.run(["tuple", "watch", "--count", "0"] + s).stderr.contains("--count must be at least 1"))
    }

    @Test("check works on a model file and tuple files with no store")
    func storeless() throws {
        let modelPath = try CLITests.temporaryFile("model.fga", Self.model)
        let tuplesPath = try CLITests.temporaryFile(
            "tuples.yaml", "- user: user:anne\n  relation: manager\n  object: warehouse:w1\n- user: warehouse:w1\n  relation: warehouse\n  object: product:p1\n")
        let result = try Self.run(["check", "user:anne", "can_write", "product:p1", "--model", modelPath, "--tuples", tuplesPath, "--explain"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            allowed
            ✓ product:p1#can_write@user:anne
              ✓ manager from warehouse
                ✓ product:p1#warehouse@warehouse:w1  (tupleset tuple)
                  ✓ warehouse:w1#manager@user:anne
                    ✓ direct
                      ✓ warehouse:w1#manager@user:anne  (tuple)

            """)
        let contextual = try Self.run(["check", "user:bob", "can_write", "product:p1", "--model", modelPath, "--tuples", tuplesPath, "--contextual-tuple", "warehouse:w1#manager@user:bob"])
        #expect(contextual.stdout == "allowed\n")
        let usage = try Self.run(["check", "user:bob", "can_write", "product:p1"])
        #expect(usage.status == 64)
    }
}

/// The token layer on the command line: scopes with reasons, refusals as OAuth errors, lint, mint and verify.
@Suite("warden CLI: tenants and tokens")
struct TokenCLITests {
    static let tenant = Fixtures.repositoryRoot.appendingPathComponent("models/care-unit/tenant.yaml").path

    @Test("token scopes prints the scope and a reason per scope; a refusal is access_denied with exit 1")
    func scopes() throws {
        let result = try CLITests.run([
            "token", "scopes", "--tenant", Self.tenant, "--user", "dr-kim", "--client", "mobile-app", "--audience",
            "https://api.health.example", "--scope", "read:patient_history write:patient_history",
        ])
        #expect(result.status == 0)
        #expect(result.stdout == """
            scope: read:patient_history
            permissions: read:patient_history
              read:patient_history: granted (role 'Doctor', client grant)
              write:patient_history: dropped (outside the client grant)

            """)
        let refused = try CLITests.run([
            "token", "scopes", "--tenant", Self.tenant, "--client", "web-portal", "--audience", "https://api.health.example",
            "--scope", "delete:everything", "--json",
        ])
        #expect(refused.status == 1)
        #expect(refused.stdout == """
            {
              "error": "access_denied",
              "error_description": "Client has not been granted scopes: delete:everything"
            }

            """)
    }

    @Test("tenant lint exits 1 on an error finding and names it")
    func lint() throws {
        let broken = try CLITests.temporaryFile(
            "tenant.yaml",
            try String(contentsOfFile: Self.tenant, encoding: .utf8).replacingOccurrences(
                of: "user:\n        policy: require_client_grant", with: "user:\n        policy: allow_all"))
        let result = try CLITests.run(["tenant", "lint", broken])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("\(broken): error: [client-grant-bypassed] application 'Mobile App' has a client grant"))
        #expect(try CLITests.run(["tenant", "lint", Self.tenant]).status == 0)
    }

    @Test("finding 1: WARDEN_KEY_PASSPHRASE_FILE encrypts the signing keys; without it they do not open")
    func passphraseFile() throws {
        let data = try TemporaryDirectory()
        let keyFile = try CLITests.temporaryFile("passphrase", "correct horse battery staple\n")
        let sealed = ["WARDEN_KEY_PASSPHRASE_FILE": keyFile]
        let minted = try CLITests.run([
            "token", "mint", "--data", data.path, "--tenant", Self.tenant, "--user", "dr-kim", "--client", "web-portal",
            "--audience", "https://api.health.example", "--scope", "read:patient_history",
        ], environment: sealed)
        #expect(minted.status == 0)
        let token = minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let verify = ["token", "verify", token, "--audience", "https://api.health.example", "--data", data.path]
        #expect(try CLITests.run(verify, environment: sealed).status == 0)
        let refused = try CLITests.run(verify)
        #expect(refused.status == 2)
        #expect(refused.stderr == "error: the signing keys are encrypted: set WARDEN_KEY_PASSPHRASE (or WARDEN_KEY_PASSPHRASE_FILE)\n")
        let wrong = try CLITests.run(verify, environment: ["WARDEN_KEY_PASSPHRASE": "correct horse"])
        #expect(wrong.stderr == "error: the key passphrase does not open the signing keys (wrong passphrase, or damaged keys)\n")
        let both = try CLITests.run(verify, environment: sealed.merging(["WARDEN_KEY_PASSPHRASE": "x"]) { $1 })
        #expect(both.status == 2)
        #expect(both.stderr == "error: set WARDEN_KEY_PASSPHRASE or WARDEN_KEY_PASSPHRASE_FILE, not both\n")
    }

    @Test("mint then verify through the data directory's keys; a wrong audience exits 1")
    func mintAndVerify() throws {
        let data = try TemporaryDirectory()
        let minted = try CLITests.run([
            "token", "mint", "--data", data.path, "--tenant", Self.tenant, "--user", "dr-kim", "--client", "web-portal",
            "--audience", "https://api.health.example", "--scope", "read:patient_history",
        ])
        #expect(minted.status == 0)
        let token = minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.split(separator: ".").count == 3)
        let verified = try CLITests.run(["token", "verify", token, "--audience", "https://api.health.example", "--data", data.path])
        #expect(verified.status == 0)
        #expect(verified.stdout.contains(#""sub" : "dr-kim""#))
        let wrong = try CLITests.run(["token", "verify", token, "--audience", "https://api.retail.example", "--data", data.path])
        #expect(wrong.status == 1)
        #expect(wrong.stderr == "invalid token: the token is for 'https://api.health.example', not 'https://api.retail.example'\n")
    }
}

/// Both layers on the command line.
@Suite("warden CLI: scenarios and authorize")
struct ScenarioCLITests {
    static func folder(_ name: String) -> String { Fixtures.repositoryRoot.appendingPathComponent("models/\(name)").path }

    @Test("scenario test passes the example packages and prints the summary")
    func scenarios() throws {
        let result = try CLITests.run(["scenario", "test", Self.folder("warehouse"), Self.folder("care-unit")])
        #expect(result.status == 0)
        #expect(result.stdout == "Scenarios 16/16 passing\n")
    }

    @Test("authorize: a minted token, the bound relation, a decision with both layers' reasons")
    func authorize() throws {
        let data = try TemporaryDirectory()
        let d = ["--data", data.path]
        #expect(try CLITests.run(["store", "create", "care"] + d).status == 0)
        #expect(try CLITests.run(["model", "write", Self.folder("care-unit") + "/model.fga", "--store", "care"] + d).status == 0)
        #expect(try CLITests.run(["tuple", "import", Self.folder("care-unit") + "/tuples.yaml", "--store", "care"] + d).status == 0)
        #expect(try CLITests.run(["tenant", "import", Self.folder("care-unit") + "/tenant.yaml"] + d).status == 0)
        let token = try CLITests.run([
            "token", "mint", "--user", "dr-kim", "--client", "mobile-app", "--audience", "https://api.health.example",
            "--scope", "read:patient_history",
        ] + d).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let bindings = Self.folder("care-unit") + "/bindings.yaml"
        let allowed = try CLITests.run(["authorize", token, "read:patient_history", "history:h-100", "--bindings", bindings, "--store", "care"] + d)
        #expect(allowed.status == 0)
        #expect(allowed.stdout.hasPrefix("""
            allowed (decided by the relationship layer)
              token: scopes read:patient_history; permission present (via role 'Doctor', client grant)
              relationship: history:h-100#can_read@user:dr-kim: yes
            """))
        let denied = try CLITests.run(["authorize", token, "write:patient_history", "history:h-100", "--bindings", bindings, "--store", "care"] + d)
        #expect(denied.status == 1)
        #expect(denied.stdout == """
            denied (decided by the token layer)
              token: scopes read:patient_history; permission absent

            """)
        // --json: the body POST /stores/{id}/authorize answers with.
        let json = try CLITests.run(["authorize", token, "write:patient_history", "history:h-100", "--bindings", bindings, "--store", "care", "--json"] + d)
        #expect(json.status == 1)
        let decision = try JSONValue.parse(json.stdout, anyValue: true)
        #expect(decision["allowed"] == .bool(false))
        #expect(decision["decided_by"] == .string("token"))
        #expect(decision["token"]?["has_permission"] == .bool(false))
        #expect(decision["summary"] == .string(denied.stdout.trimmingCharacters(in: .newlines)))
    }

    @Test("serve over HTTPS with OIDC: tokens from one server's /oauth/token, verified by another through its JWKS URL")
    func tlsAndOIDC() throws {
        let issuerData = try TemporaryDirectory()
        let d = ["--data", issuerData.path]
        #expect(try CLITests.run(["tenant", "import", Self.folder("warehouse") + "/tenant.yaml"] + d).status == 0)
        let (issuer, issuerURL) = try CLITests.startServer(data: issuerData.path)
        defer { CLITests.stop(issuer) }
        let certificates = try TemporaryDirectory()
        let key = certificates.path + "/key.pem"
        let certificate = certificates.path + "/cert.pem"
        let made = try CLITests.run(program: URL(fileURLWithPath: "/usr/bin/openssl"), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-subj", "/CN=127.0.0.1", "-days", "1",
        ])
        #expect(made.status == 0)
        let apiData = try TemporaryDirectory()
        let (api, apiURL) = try CLITests.startServer(
            data: apiData.path,
            [
                "--tls-cert", certificate, "--tls-key", key, "--authn-method", "oidc", "--authn-oidc-audience", "https://api.retail.example",
                "--authn-oidc-jwks-url", issuerURL + "/.well-known/jwks.json",
            ], scheme: "https")
        defer { CLITests.stop(api) }
        #expect(apiURL.hasPrefix("https://"))
        let curl = URL(fileURLWithPath: "/usr/bin/curl")
        let issued = try CLITests.run(program: curl, [
            "-s", "-X", "POST", issuerURL + "/oauth/token", "-d", "grant_type=client_credentials", "-d", "client_id=inventory-sync",
            "-d", "client_secret=inventory-sync-demo-secret", "-d", "audience=https://api.retail.example",
        ])
        guard case .string(let token)? = try JSONValue.parse(issued.stdout, anyValue: true)["access_token"] else {
            Issue.record("no token: \(issued.stdout)")
            return
        }
        let authorized = try CLITests.run(program: curl, ["-sk", "-H", "Authorization: Bearer \(token)", apiURL + "/stores"])
        #expect(authorized.stdout == #"{"stores":[],"continuation_token":""}"#)
        let anonymous = try CLITests.run(program: curl, ["-sk", apiURL + "/stores"])
        #expect(anonymous.stdout == #"{"code":"bearer_token_missing","message":"missing bearer token"}"#)
        // The certificate is real TLS: a client that checks it refuses this self-signed one.
        #expect(try CLITests.run(program: curl, ["-s", apiURL + "/healthz"]).status != 0)
        #expect(try CLITests.run(program: curl, ["-s", apiURL.replacingOccurrences(of: "https:", with: "http:") + "/healthz"]).stdout.isEmpty)
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Warden
import WardenModel
import WardenScopes
import WardenServer
import WardenStore
import WardenTestSupport

/// AuthZEN, the token layer, authentication, streaming, deadlines and metrics, each body run through the router
/// in process and through a live server on a loopback port.
@Suite("warden serve: AuthZEN, tokens, authn")
struct ServerAPITests {
    static let modes = ["router", "live"]
    static let json: HTTPFields = [.contentType: "application/json"]

    static func body(_ response: TestResponse) throws -> JSONValue {
        try JSONValue.parse(String(buffer: response.body), anyValue: true)
    }

    static func folder(_ name: String) -> String { Fixtures.repositoryRoot.appendingPathComponent("models/\(name)").path }

    /// A data directory with one store holding `models/<name>`'s model and tuples.
    static func store(_ name: String) throws -> (TemporaryDirectory, Warden, String) {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: name).id
        let model = try DSLParser.parseModel(try String(contentsOfFile: folder(name) + "/model.fga", encoding: .utf8))
        _ = try warden.writeModel(model, store: store)
        try warden.importTuples(try TupleFile.load(path: folder(name) + "/tuples.yaml"), store: store)
        return (data, warden, store)
    }

    @Test("the AuthZEN interop Todo scenario: all 40 decisions over HTTP", arguments: modes)
    func todoDecisions(mode: String) async throws {
        guard let conformance = Fixtures.conformance else {
            print("SKIPPED: ../shared/conformance is absent, so the AuthZEN Todo decisions cannot run")
            return
        }
        let decisions = conformance.appendingPathComponent("authzen/todo-decisions.json")
        guard case .array(let cases)? = try JSONValue.parse(try Fixtures.text(decisions), anyValue: true)["evaluation"] else {
            Issue.record("no evaluation list in \(decisions.path)")
            return
        }
        #expect(cases.count == 40)
        let (_, warden, store) = try Self.store("authzen-todo")
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0))
        try await app.test(ServerTests.setup(mode)) { client in
            var agreed = 0
            for item in cases {
                guard let request = item["request"], case .bool(let expected)? = item["expected"] else { continue }
                let response = try await client.execute(
                    uri: "/stores/\(store)/access/v1/evaluation", method: .post, headers: Self.json, body: ByteBuffer(string: request.compact))
                #expect(response.status == .ok)
                let decision = try Self.body(response)["decision"]
                #expect(decision == .bool(expected), "\(request.compact)")
                if decision == .bool(expected) { agreed += 1 }
            }
            let configuration = try await client.execute(uri: "/.well-known/authzen-configuration/\(store)", method: .get)
            guard case .string(let endpoint)? = try Self.body(configuration)["access_evaluation_endpoint"] else {
                Issue.record("no evaluation endpoint")
                return
            }
            #expect(endpoint.hasSuffix("/stores/\(store)/access/v1/evaluation"))
            #expect(agreed == 40)
        }
    }

    /// The warehouse store with its tenant imported and one machine token's worth of setup.
    static func warehouse() throws -> (TemporaryDirectory, Warden, String, PermissionBindings) {
        let (data, warden, store) = try Self.store("warehouse")
        try warden.importTenant(try TenantFile.load(path: folder("warehouse") + "/tenant.yaml"))
        return (data, warden, store, try PermissionBindings.load(path: folder("warehouse") + "/bindings.yaml"))
    }

    static func form(_ pairs: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: pairs.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $1)" }.joined(separator: "&"))
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    static let machine = [
        ("grant_type", "client_credentials"), ("client_id", "inventory-sync"), ("audience", "https://api.retail.example"),
    ]

    @Test("POST /oauth/token: client credentials against the stored hash, Auth0's errors, a token the JWKS verifies", arguments: modes)
    func clientCredentials(mode: String) async throws {
        let (_, warden, _, bindings) = try Self.warehouse()
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0, bindings: [bindings]))
        try await app.test(ServerTests.setup(mode)) { client in
            let unauthorized = #"{"error":"access_denied","error_description":"Unauthorized"}"#
            let wrong = try await client.execute(uri: "/oauth/token", method: .post, headers: Self.formHeaders, body: Self.form(Self.machine + [("client_secret", "guess")]))
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body) == unauthorized)
            // An unknown client reads exactly as a wrong secret.
            let stranger = try await client.execute(
                uri: "/oauth/token", method: .post, headers: Self.formHeaders,
                body: Self.form([("grant_type", "client_credentials"), ("client_id", "nobody"), ("client_secret", "x"), ("audience", "https://api.retail.example")]))
            #expect(stranger.status == .unauthorized)
            #expect(String(buffer: stranger.body) == unauthorized)
            let noGrant = try await client.execute(uri: "/oauth/token", method: .post, headers: Self.formHeaders, body: Self.form([("client_id", "inventory-sync")]))
            #expect(noGrant.status == .badRequest)
            #expect(String(buffer: noGrant.body) == #"{"error":"invalid_request","error_description":"Missing required parameter: grant_type"}"#)
            let password = try await client.execute(uri: "/oauth/token", method: .post, headers: Self.formHeaders, body: Self.form([("grant_type", "password")]))
            #expect(String(buffer: password.body) == #"{"error":"unsupported_grant_type","error_description":"Unsupported grant type: password"}"#)
            let refused = try await client.execute(
                uri: "/oauth/token", method: .post, headers: Self.formHeaders,
                body: Self.form([("grant_type", "client_credentials"), ("client_id", "inventory-sync"), ("client_secret", "inventory-sync-demo-secret"), ("audience", "https://elsewhere.example")]))
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body) == #"{"error":"access_denied","error_description":"Service not found: https://elsewhere.example"}"#)

            let issued = try await client.execute(
                uri: "/oauth/token", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"grant_type":"client_credentials","client_id":"inventory-sync","client_secret":"inventory-sync-demo-secret","audience":"https://api.retail.example","scope":"write:products"}"#))
            #expect(issued.status == .ok)
            let answer = try Self.body(issued)
            #expect(answer["scope"] == .string("write:products"))
            #expect(answer["token_type"] == .string("Bearer"))
            guard case .string(let token)? = answer["access_token"] else {
                Issue.record("no token in \(answer.compact)")
                return
            }
            let claims = try await TokenVerifier(issuer: Warden.defaultIssuer, keyRing: try warden.keyRing()).verify(token, audience: "https://api.retail.example")
            #expect(claims.sub == "inventory-sync@clients")
            #expect(claims.scopes == ["write:products"])
            let jwks = try Self.body(try await client.execute(uri: "/.well-known/jwks.json", method: .get))
            guard case .array(let keys)? = jwks["keys"] else {
                Issue.record("no keys in \(jwks.compact)")
                return
            }
            #expect(keys.first?["kid"] == .string(try warden.keyRing().active?.id ?? "?"))
            let discovery = try Self.body(try await client.execute(uri: "/.well-known/openid-configuration", method: .get))
            #expect(discovery["issuer"] == .string(Warden.defaultIssuer))
            #expect(discovery["grant_types_supported"] == .array([.string("client_credentials")]))
        }
    }

    @Test("hostile bodies: malformed forms, huge forms, wrong JSON types and an unreadable TLS file end in clear errors", arguments: modes)
    func hostileInput(mode: String) async throws {
        let (_, warden, store, bindings) = try Self.warehouse()
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0, bindings: [bindings]))
        try await app.test(ServerTests.setup(mode)) { client in
            let badEscape = try await client.execute(
                uri: "/oauth/token", method: .post, headers: Self.formHeaders, body: ByteBuffer(string: "grant_type=%ZZ&client_id=a"))
            #expect(badEscape.status == .badRequest)
            #expect(try Self.body(badEscape)["error"] == .string("invalid_request"))
            let huge = try await client.execute(
                uri: "/oauth/token", method: .post, headers: Self.formHeaders, body: ByteBuffer(string: "grant_type=" + String(repeating: "a", count: 200_000)))
            #expect(huge.status == .badRequest)
            let notStrings = try await client.execute(
                uri: "/oauth/token", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"grant_type":["client_credentials"]}"#))
            #expect(try Self.body(notStrings)["error"] == .string("invalid_request"))
            for body in [#"{"subject":"user:anne","action":{"name":"x"},"resource":{"type":"t","id":"1"}}"#, "[1,2]", "{", #"{"subject":{"type":"user","id":"a:b"},"action":{"name":"x"},"resource":{"type":"t","id":"1"}}"#] {
                let answer = try await client.execute(
                    uri: "/stores/\(store)/access/v1/evaluation", method: .post, headers: Self.json, body: ByteBuffer(string: body))
                #expect(answer.status == .badRequest, "\(body)")
                #expect(try Self.body(answer)["code"] != nil)
            }
            let deepJSON = String(repeating: "[", count: 100_000)
            let deep = try await client.execute(uri: "/stores/\(store)/access/v1/evaluations", method: .post, headers: Self.json, body: ByteBuffer(string: deepJSON))
            #expect(deep.status == .badRequest)
            let stream = try await client.execute(
                uri: "/stores/\(store)/streamed-list-objects", method: .post, headers: Self.json, body: ByteBuffer(string: #"{"user":5}"#))
            #expect(stream.status == .badRequest)
        }
        #expect(throws: (any Error).self) {
            try WardenServer.application(
                warden: warden, configuration: .init(port: 0, tls: .init(certificateChain: "/nonexistent.pem", privateKey: "/nonexistent.pem")))
        }
    }

    @Test("POST /stores/{id}/authorize: both layers over HTTP, each answer as `warden authorize` gives it", arguments: modes)
    func authorize(mode: String) async throws {
        let (_, warden, store, bindings) = try Self.warehouse()
        let token = try await warden.mintToken(
            for: GrantRequest(user: nil, clientID: "inventory-sync", audience: "https://api.retail.example", requestedScopes: ["write:products"]))
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0, bindings: [bindings]))
        try await app.test(ServerTests.setup(mode)) { client in
            func ask(_ object: String, permission: String = "write:products", token: String? = token) async throws -> (HTTPResponse.Status, JSONValue) {
                var headers = Self.json
                if let token { headers[.authorization] = "Bearer \(token)" }
                let response = try await client.execute(
                    uri: "/stores/\(store)/authorize", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"permission":"\#(permission)","object":"\#(object)"}"#))
                return (response.status, try Self.body(response))
            }
            // The inventory sync manages the Lyon warehouse (the croissant oven), not Berlin's espresso machine.
            for (object, allowed) in [("product:croissant-oven", true), ("product:espresso-machine", false)] {
                let (status, answer) = try await ask(object)
                #expect(status == .ok)
                let expected = try await warden.authorize(
                    token: token, permission: "write:products", object: try ObjectRef(parsing: object), store: store, bindings: bindings)
                #expect(answer["allowed"] == .bool(allowed))
                #expect(answer["decided_by"] == .string("relationship"))
                #expect(answer["summary"] == .string(expected.summary))
                #expect(answer["relationship"]?["user"] == .string("client:inventory-sync"))
            }
            let (_, unscoped) = try await ask("order:o1", permission: "read:orders")
            #expect(unscoped["allowed"] == .bool(false))
            #expect(unscoped["decided_by"] == .string("token"))
            let (_, forged) = try await ask("product:croissant-oven", token: "a.b.c")
            #expect(forged["token"]?["valid"] == .bool(false))
            #expect(forged["allowed"] == .bool(false))
            let (missing, _) = try await ask("product:croissant-oven", token: nil)
            #expect(missing == .unauthorized)
            let (unbound, refusal) = try await ask("product:croissant-oven", permission: "delete:everything")
            #expect(unbound == .badRequest)
            #expect(refusal["code"] == .string("validation_error"))
        }
    }

    @Test("OIDC authn: a valid token passes; none, expired, wrong audience, wrong issuer or forged are one 401", arguments: modes)
    func oidc(mode: String) async throws {
        let (_, warden, _, _) = try Self.warehouse()
        let request = GrantRequest(user: nil, clientID: "inventory-sync", audience: "https://api.retail.example", requestedScopes: nil)
        let valid = try await warden.mintToken(for: request)
        let expired = try await warden.mintToken(for: request, now: Date(timeIntervalSinceNow: -3 * 86_400))
        let refused = #"{"code":"unauthenticated","message":"unauthenticated"}"#
        for (issuer, audience, validPasses) in [
            (Warden.defaultIssuer, "https://api.retail.example", true), (Warden.defaultIssuer, "https://other.example", false),
            ("https://elsewhere.example/", "https://api.retail.example", false),
        ] {
            let app = try WardenServer.application(
                warden: warden, configuration: .init(port: 0, authentication: .oidc(issuer: issuer, audience: audience, jwksURL: nil)))
            try await app.test(ServerTests.setup(mode)) { client in
                let none = try await client.execute(uri: "/stores", method: .get)
                #expect(none.status == .unauthorized)
                #expect(String(buffer: none.body) == #"{"code":"bearer_token_missing","message":"missing bearer token"}"#)
                let good = try await client.execute(uri: "/stores", method: .get, headers: [.authorization: "Bearer \(valid)"])
                #expect(good.status == (validPasses ? .ok : .unauthorized))
                if !validPasses { #expect(String(buffer: good.body) == refused) }
                for bad in [expired, valid + "x", String(valid.dropLast(4)) + "AAAA"] {
                    let response = try await client.execute(uri: "/stores", method: .get, headers: [.authorization: "Bearer \(bad)"])
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body) == refused)
                }
            }
        }
    }

    @Test("OIDC authn with a JWKS URL: the keys are fetched over HTTP from a live server; a wrong audience still fails")
    func oidcKeysFromURL() async throws {
        let (_, warden, _, _) = try Self.warehouse()
        let request = GrantRequest(user: nil, clientID: "inventory-sync", audience: "https://api.retail.example", requestedScopes: nil)
        let valid = try await warden.mintToken(for: request)
        let issuer = try WardenServer.application(warden: warden, configuration: .init(port: 0))
        try await issuer.test(.live) { live in
            let port = try #require(live.port)
            let jwks = URL(string: "http://127.0.0.1:\(port)/.well-known/jwks.json")
            for (audience, passes) in [("https://api.retail.example", true), ("https://other.example", false)] {
                let app = try WardenServer.application(
                    warden: warden, configuration: .init(port: 0, authentication: .oidc(issuer: Warden.defaultIssuer, audience: audience, jwksURL: jwks)))
                try await app.test(.router) { client in
                    let response = try await client.execute(uri: "/stores", method: .get, headers: [.authorization: "Bearer \(valid)"])
                    #expect(response.status == (passes ? .ok : .unauthorized), "\(audience)")
                }
            }
        }
    }

    @Test("a path segment is percent-decoded only when it holds an escape; a bad escape is taken literally", arguments: modes)
    func percentDecodedPaths(mode: String) async throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "escaped").id
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0))
        try await app.test(ServerTests.setup(mode)) { client in
            let escaped = "%" + String(store.utf8.first!, radix: 16, uppercase: true) + store.dropFirst()
            for path in ["/stores/\(store)", "/stores/\(escaped)"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(try JSONValue.parse(String(buffer: response.body))["id"] == .string(store), "\(path)")
            }
            let bad = try await client.execute(uri: "/stores/%ZZ\(store)", method: .get)
            #expect(bad.status == .notFound)
            #expect(String(buffer: bad.body).contains("store_id_not_found"))
        }
    }

    @Test("streamed-list-objects sends every object, past 1,000, one JSON line each", arguments: modes)
    func streamedListObjects(mode: String) async throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "many").id
        _ = try warden.writeModel(try DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n"), store: store)
        try warden.importTuples(
            (0..<1_500).map { RelationshipTuple(TupleKey(object: ObjectRef(type: "doc", id: "d\($0)"), relation: "viewer", user: .object(ObjectRef(type: "user", id: "anne")))) },
            store: store)
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0))
        try await app.test(ServerTests.setup(mode)) { client in
            let response = try await client.execute(
                uri: "/stores/\(store)/streamed-list-objects", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"user":"user:anne","relation":"viewer","type":"doc"}"#))
            #expect(response.status == .ok)
            let lines = String(buffer: response.body).split(separator: "\n")
            #expect(lines.count == 1_500)
            #expect(lines.first == #"{"result":{"object":"doc:d0"}}"#)
            let objects = Set(try lines.map { line in try JSONValue.parse(String(line))["result"]?["object"] })
            #expect(objects.count == 1_500)
            let unknown = try await client.execute(
                uri: "/stores/\(store)/streamed-list-objects", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"user":"user:anne","relation":"owner","type":"doc"}"#))
            #expect(unknown.status == .badRequest)
        }
    }

    @Test("a check past its deadline is 504 deadline_exceeded; the metrics count check depth and the cache", arguments: modes)
    func deadlineAndMetrics(mode: String) async throws {
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "deep").id
        _ = try warden.writeModel(
            try DSLParser.parseModel(
                "model\n  schema 1.1\ntype user\ntype group\n  relations\n    define blocked: [user]\n    define member: [user, group#member] but not blocked\n"),
            store: store)
        // A wide fan of nested groups: many subproblems, so the deadline is looked at during the walk.
        let edges = (1..<400).map { index in
            RelationshipTuple(TupleKey(object: ObjectRef(type: "group", id: "g0"), relation: "member", user: .userset(ObjectRef(type: "group", id: "g\(index)"), relation: "member")))
        }
        try warden.importTuples(edges + [RelationshipTuple(TupleKey(object: ObjectRef(type: "group", id: "g1"), relation: "member", user: .object(ObjectRef(type: "user", id: "anne"))))], store: store)
        let check = #"{"tuple_key":{"user":"user:nobody","relation":"member","object":"group:g0"}}"#
        let hurried = try WardenServer.application(warden: warden, configuration: .init(port: 0, requestTimeout: .zero))
        try await hurried.test(ServerTests.setup(mode)) { client in
            let late = try await client.execute(uri: "/stores/\(store)/check", method: .post, headers: Self.json, body: ByteBuffer(string: check))
            #expect(late.status == .gatewayTimeout)
            #expect(try Self.body(late)["code"] == .string("deadline_exceeded"))
        }
        let app = try WardenServer.application(warden: warden, configuration: .init(port: 0))
        try await app.test(ServerTests.setup(mode)) { client in
            let member = #"{"tuple_key":{"user":"user:anne","relation":"member","object":"group:g0"}}"#
            let answer = try await client.execute(uri: "/stores/\(store)/check", method: .post, headers: Self.json, body: ByteBuffer(string: member))
            #expect(String(buffer: answer.body) == #"{"allowed":true,"resolution":""}"#)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("warden_check_depth_count 1"))
            #expect(metrics.contains(#"warden_check_depth_bucket{le="1.0"} 1"#))
            #expect(metrics.contains("warden_check_cache_hit_ratio"))
        }
    }
}

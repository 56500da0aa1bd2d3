import Foundation
import Warden
import WardenEngine
import WardenModel
import WardenScopes
import WardenStore

/// The token layer's network face: Auth0's client-credentials `POST /oauth/token`, the signing keys
/// (`/.well-known/jwks.json`), OpenID discovery, and the layered decision `POST /stores/{store_id}/authorize`.
/// Transport-free, like ``OpenFGAAPI``.
public struct TokenAPI: Sendable {
    public let api: OpenFGAAPI
    /// The permission bindings the server knows, one per API (audience).
    public let bindings: [PermissionBindings]

    public init(api: OpenFGAAPI, bindings: [PermissionBindings]) {
        self.api = api
        self.bindings = bindings
    }

    private var warden: Warden { api.warden }

    /// An OAuth error answer: `{"error", "error_description"}`.
    public static func oauthError(_ status: Int, _ error: String, _ description: String) -> OpenFGAAPI.Answer {
        OpenFGAAPI.Answer(status: status, body: .object([("error", .string(error)), ("error_description", .string(description))]))
    }

    // MARK: /oauth/token

    /// Client credentials: `grant_type=client_credentials`, `client_id`, `client_secret`, `audience`, optional
    /// `scope`, as form fields or a JSON object. Answers `{access_token, token_type, expires_in, scope}` or Auth0's
    /// error bodies (401 for a wrong client or secret, never saying which; 403 when the grant is refused).
    public func token(_ parameters: [String: String], now: Date = Date()) async -> OpenFGAAPI.Answer {
        guard let grantType = parameters["grant_type"], !grantType.isEmpty else {
            return Self.oauthError(400, "invalid_request", "Missing required parameter: grant_type")
        }
        guard grantType == "client_credentials" else {
            return Self.oauthError(400, "unsupported_grant_type", "Unsupported grant type: \(grantType)")
        }
        for name in ["client_id", "client_secret", "audience"] where (parameters[name] ?? "").isEmpty {
            return Self.oauthError(400, "invalid_request", "Missing required parameter: \(name)")
        }
        let clientID = parameters["client_id"]!
        let audience = parameters["audience"]!
        do {
            guard let tenant = try warden.tenant() else {
                return Self.oauthError(500, "server_error", "no tenant is imported in this data directory")
            }
            guard ClientSecret.verifies(parameters["client_secret"]!, for: tenant.application(clientID)) else {
                return Self.oauthError(401, "access_denied", "Unauthorized")
            }
            let request = GrantRequest(user: nil, clientID: clientID, audience: audience, requestedScopes: GrantRequest.scopes(parameters["scope"]))
            let grant: Grant
            do throws(GrantRefusal) {
                grant = try tenant.grant(request)
            } catch {
                return Self.oauthError(403, error.error, error.errorDescription)
            }
            let token = try await warden.mintToken(for: request, tenant: tenant, now: now)
            let lifetime = tenant.resourceServer(audience)?.tokenLifetime ?? 0
            return OpenFGAAPI.Answer(status: 200, body: .object([
                ("access_token", .string(token)), ("scope", .string(grant.scope)), ("expires_in", .number(String(lifetime))),
                ("token_type", .string("Bearer")),
            ]))
        } catch {
            return Self.oauthError(500, "server_error", "the token could not be issued")
        }
    }

    // MARK: Discovery

    /// `GET /.well-known/jwks.json`: the public halves of the keys that currently verify.
    public func jwks() -> OpenFGAAPI.Answer {
        do {
            return OpenFGAAPI.Answer(status: 200, body: try JSONValue.parse(try warden.keyRing().jwks(), anyValue: true))
        } catch {
            return OpenFGAAPI.Answer(status: 500, body: WireError(status: 500, code: "internal_error", message: "the signing keys cannot be read").json)
        }
    }

    /// `GET /.well-known/openid-configuration`, for clients that discover the token endpoint and keys.
    public func openIDConfiguration(baseURL: String) -> OpenFGAAPI.Answer {
        OpenFGAAPI.Answer(status: 200, body: .object([
            ("issuer", .string(Warden.defaultIssuer)), ("token_endpoint", .string("\(baseURL)/oauth/token")),
            ("jwks_uri", .string("\(baseURL)/.well-known/jwks.json")),
            ("grant_types_supported", .array([.string("client_credentials")])),
            ("token_endpoint_auth_methods_supported", .array([.string("client_secret_post")])),
            ("id_token_signing_alg_values_supported", .array([.string("RS256")])),
            ("response_types_supported", .array([.string("token")])),
            ("subject_types_supported", .array([.string("public")])),
        ]))
    }

    // MARK: Authorize

    /// `POST /stores/{store_id}/authorize` with the caller's token (`Authorization: Bearer …`) and
    /// `{permission, object, context?, explain?}`: both layers' decision, as `warden authorize --json` prints it.
    public func authorize(storeID: String, bearer: String?, body: JSONValue?) async -> OpenFGAAPI.Answer {
        do {
            let store = try api.store(storeID).id
            let fields = try WireFields(body)
            guard let token = bearer, !token.isEmpty else {
                throw WireError(status: 401, code: "bearer_token_missing", message: "the request needs the caller's access token as 'Authorization: Bearer TOKEN'")
            }
            let permission = try fields.required("permission")
            let object = try ObjectRef(parsing: try fields.required("object"))
            let explain = try fields.boolean("explain") ?? false
            // Each API binds its own permissions; a token names its API, so try the APIs binding this permission
            // until one is the token's.
            let candidates = bindings.filter { $0.target(for: permission) != nil }
            guard !candidates.isEmpty else {
                throw WireError.validation("permission '\(permission)' binds to no relation: serve with --bindings FILE naming it")
            }
            var decision: AuthorizationDecision?
            for candidate in candidates {
                decision = try await warden.authorize(
                    token: token, permission: permission, object: object, store: store, bindings: candidate,
                    context: try fields.context(), explain: explain)
                if decision?.token.invalidToken?.code != .wrongAudience { break }
            }
            return OpenFGAAPI.Answer(status: 200, body: decision!.json)
        } catch let error as AuthorizeError {
            return OpenFGAAPI.Answer(status: 400, body: WireError.validation(error.message).json)
        } catch {
            let wire = WireError.from(error)
            return OpenFGAAPI.Answer(status: wire.status, body: wire.json)
        }
    }
}

extension AuthorizationDecision {
    /// The decision as the server answers it and `warden authorize --json` prints it.
    public var json: JSONValue {
        var token: [(String, JSONValue)] = [("valid", .bool(self.token.invalidToken == nil))]
        if let invalid = self.token.invalidToken {
            token.append(("error", .object([("code", .string(invalid.code.rawValue)), ("message", .string(invalid.message))])))
        }
        token += [
            ("has_permission", .bool(self.token.hasPermission)), ("scopes", .array(self.token.scopes.map(JSONValue.string))),
            ("sources", .array(self.token.sources.map(JSONValue.string))),
        ]
        var members: [(String, JSONValue)] = [
            ("allowed", .bool(allowed)), ("decided_by", .string(decidedBy.rawValue)), ("token", .object(token)),
        ]
        if let relationship {
            members.append(("relationship", .object([
                ("user", .string(relationship.user.description)), ("relation", .string(relationship.relation)),
                ("object", .string(relationship.object.description)), ("allowed", .bool(relationship.allowed)),
            ])))
        }
        members.append(("summary", .string(summary)))
        return .object(members)
    }
}

import JWTKit

/// Auth0's access-token claims: `iss`, `sub` (`CLIENT_ID@clients` for machines), `aud`, `iat`, `exp`, `azp`,
/// `scope` (space-separated), `permissions` when the API asks for them, `gty: client-credentials` for machines.
public struct AccessTokenClaims: JWTPayload, Hashable {
    public var iss: String
    public var sub: String
    public var aud: [String]
    public var iat: Int
    public var exp: Int
    public var nbf: Int?
    public var azp: String
    public var scope: String?
    public var permissions: [String]?
    public var gty: String?

    public init(
        iss: String, sub: String, aud: [String], iat: Int, exp: Int, nbf: Int? = nil, azp: String, scope: String?,
        permissions: [String]?, gty: String?
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.iat = iat
        self.exp = exp
        self.nbf = nbf
        self.azp = azp
        self.scope = scope
        self.permissions = permissions
        self.gty = gty
    }

    /// The `scope` claim's entries.
    public var scopes: [String] { scope.map { $0.split(separator: " ").map(String.init) } ?? [] }

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, exp, nbf, azp, scope, permissions, gty
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        sub = try container.decode(String.self, forKey: .sub)
        // `aud` is a string or a list of strings (RFC 7519).
        if let single = try? container.decode(String.self, forKey: .aud) {
            aud = [single]
        } else {
            aud = try container.decode([String].self, forKey: .aud)
        }
        iat = try container.decode(Int.self, forKey: .iat)
        exp = try container.decode(Int.self, forKey: .exp)
        nbf = try container.decodeIfPresent(Int.self, forKey: .nbf)
        azp = try container.decodeIfPresent(String.self, forKey: .azp) ?? ""
        scope = try container.decodeIfPresent(String.self, forKey: .scope)
        permissions = try container.decodeIfPresent([String].self, forKey: .permissions)
        gty = try container.decodeIfPresent(String.self, forKey: .gty)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(sub, forKey: .sub)
        if aud.count == 1 { try container.encode(aud[0], forKey: .aud) } else { try container.encode(aud, forKey: .aud) }
        try container.encode(iat, forKey: .iat)
        try container.encode(exp, forKey: .exp)
        try container.encodeIfPresent(nbf, forKey: .nbf)
        try container.encode(azp, forKey: .azp)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(permissions, forKey: .permissions)
        try container.encodeIfPresent(gty, forKey: .gty)
    }

    /// Claims are checked by ``TokenVerifier`` (each failure with its own error), not here.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

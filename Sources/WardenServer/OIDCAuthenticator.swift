import AsyncHTTPClient
import Foundation
import Hummingbird
import JWTKit
import Logging
import NIOCore
import NIOHTTP1
import WardenWire

/// OpenFGA's `--authn-method oidc`: every API request carries `Authorization: Bearer <access token>`, a JWT signed
/// by one of the issuer's keys (from a JWKS URL, or this data directory's own keys), for the required audience and
/// issuer, and not expired. Every failure is the same 401 `unauthenticated`: the caller learns nothing about which
/// check failed (the server log at debug says).
final class OIDCAuthenticator: Authenticating, @unchecked Sendable {
    /// Where the verification keys come from.
    enum KeySource: Sendable {
        /// A JWKS document fetched from this URL (and fetched again, at most once a minute, when a token names a key
        /// it does not hold, so the issuer can rotate).
        case url(URL)
        /// A JWKS document given once (this data directory's own signing keys).
        case document(String)
    }

    /// The claims checked; everything else in the token is ignored.
    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim?

        func verify(using algorithm: some JWTAlgorithm) throws {
            try exp.verifyNotExpired()
            try nbf?.verifyNotBefore()
        }
    }

    let issuer: String
    let audience: String
    let source: KeySource
    private let lock = NSLock()
    private var keys: JWTKeyCollection?
    private var fetchedAt: ContinuousClock.Instant?

    init(issuer: String, audience: String, source: KeySource) {
        self.issuer = issuer
        self.audience = audience
        self.source = source
    }

    func refusal(_ request: Request, logger: Logger) async -> Response? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            return WardenServer.json(401, WireError(status: 401, code: "bearer_token_missing", message: "missing bearer token").json)
        }
        let token = String(header.dropFirst(7))
        do {
            let claims = try await verify(token)
            guard claims.iss.value == issuer else { throw Refusal("issuer '\(claims.iss.value)' is not '\(issuer)'") }
            try claims.aud.verifyIntendedAudience(includes: audience)
            return nil
        } catch {
            logger.debug("oidc: token refused", metadata: ["reason": "\(error)"])
            return WardenServer.json(401, WireError(status: 401, code: "unauthenticated", message: "unauthenticated").json)
        }
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Verifies signature and lifetime; fetches the keys on first use, and again when the token's key is unknown.
    private func verify(_ token: String) async throws -> Claims {
        guard token.utf8.count <= 16_384 else { throw Refusal("the token is too long") }
        let current = try await currentKeys(refresh: false)
        do {
            return try await current.verify(token, as: Claims.self)
        } catch let error as JWTError where error.errorType == .unknownKID {
            let refreshed = try await currentKeys(refresh: true)
            return try await refreshed.verify(token, as: Claims.self)
        }
    }

    private func currentKeys(refresh: Bool) async throws -> JWTKeyCollection {
        let (cached, lastFetch) = lock.withLock { (keys, fetchedAt) }
        if let cached {
            let recent = lastFetch.map { ContinuousClock.now - $0 < .seconds(60) } ?? false
            if !refresh || recent { return cached }
        }
        let document: String
        switch source {
        case .document(let text): document = text
        case .url(let url): document = try await Self.fetch(url)
        }
        let collection = try await JWTKeyCollection().add(jwksJSON: document)
        lock.withLock {
            keys = collection
            fetchedAt = ContinuousClock.now
        }
        return collection
    }

    static func fetch(_ url: URL) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url.absoluteString), timeout: .seconds(10))
        guard response.status == .ok else { throw Refusal("the JWKS at \(url) did not answer 200") }
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}

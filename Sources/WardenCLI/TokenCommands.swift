import ArgumentParser
import Foundation
import Warden
import WardenModel
import WardenScopes

/// `warden token …`: what a token request earns, signed tokens, and their verification.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Compute token scopes with reasons; mint and verify signed tokens.",
        subcommands: [
            TokenScopesCommand.self, TokenMintCommand.self, TokenVerifyCommand.self, TokenJWKSCommand.self,
            TokenRotateCommand.self,
        ])
}

/// Who asks for a token: the tenant, the user (absent for client credentials), the application, the API, the scopes.
struct TokenRequestOptions: ParsableArguments {
    @Option(help: "A tenant file (default: the tenant stored in --data).") var tenant: String?
    @Option(help: "The data directory.") var data = "./warden-data"
    @Option(help: "The user's id; leave out for the client-credentials (machine-to-machine) flow.") var user: String?
    @Option(help: "The application's client id.") var client: String
    @Option(help: "The API's identifier.") var audience: String
    @Option(help: "The requested scopes, space-separated.") var scope: String?

    func directory() throws -> Directory {
        if let tenant { return try loadTenant(tenant) }
        guard let stored = try reporting({ try DataOptions.open(data).tenant() }) else {
            StandardError.write("error: give --tenant FILE, or import one with `warden tenant import`")
            throw WardenExit.badInput
        }
        return stored
    }

    var request: GrantRequest {
        GrantRequest(user: user, clientID: client, audience: audience, requestedScopes: GrantRequest.scopes(scope))
    }
}

/// Prints a refusal as OAuth does and exits 1.
func refuse(_ refusal: GrantRefusal, json: Bool) throws -> Never {
    if json {
        print(JSONValue.object([("error", .string(refusal.error)), ("error_description", .string(refusal.errorDescription))]).formatted())
    } else {
        print("refused: \(refusal)")
    }
    throw WardenExit.negative
}

struct TokenScopesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scopes", abstract: "The scopes a token request earns, with a reason for each.",
        discussion: "Exits 1 when the request is refused (access_denied).")

    @OptionGroup var request: TokenRequestOptions
    @Flag(help: "Print {scope, permissions, reasons} or {error, error_description} as JSON.") var json = false

    func run() throws {
        let directory = try request.directory()
        let grant: Grant
        do {
            grant = try directory.grant(request.request)
        } catch {
            try refuse(error, json: json)
        }
        if json {
            var members: [(String, JSONValue)] = [("scope", .string(grant.scope))]
            if let permissions = grant.permissions { members.append(("permissions", .array(permissions.map(JSONValue.string)))) }
            members.append(("reasons", .array(grant.decisions.map { .string($0.description) })))
            print(JSONValue.object(members).formatted())
        } else {
            print("scope: \(grant.scope)")
            if let permissions = grant.permissions { print("permissions: \(permissions.joined(separator: " "))") }
            for decision in grant.decisions { print("  \(decision)") }
        }
    }
}

struct TokenMintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint", abstract: "Compute the scopes and print a signed access token (RS256, keys kept in --data).")

    @OptionGroup var request: TokenRequestOptions
    @Option(help: "The token's issuer.") var issuer = Warden.defaultIssuer

    func run() async throws {
        let directory = try request.directory()
        let grant: Grant
        do {
            grant = try directory.grant(request.request)
        } catch {
            try refuse(error, json: false)
        }
        let api = directory.resourceServer(request.audience)!
        let ring = try reporting { try DataOptions.open(request.data).keyRing() }
        let tokenIssuer = TokenIssuer(issuer: issuer, keyRing: ring)
        print(try await tokenIssuer.sign(tokenIssuer.claims(for: grant, clientID: request.client, api: api)))
    }
}

struct TokenVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a token's signature, issuer, audience, lifetime and scopes.",
        discussion: "Prints the claims and exits 0, or names the failed check and exits 1.")

    @Argument(help: "The token.") var token: String
    @Option(help: "The API the token must be for.") var audience: String
    @Option(help: "Scopes the token must carry, space-separated.") var requireScope: String?
    @Option(help: "The expected issuer.") var issuer = Warden.defaultIssuer
    @OptionGroup var data: DataOptions

    func run() async throws {
        let ring = try reporting { try data.open().keyRing() }
        do {
            let claims = try await TokenVerifier(issuer: issuer, keyRing: ring).verify(
                token, audience: audience, requiredScopes: GrantRequest.scopes(requireScope) ?? [])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(claims), as: UTF8.self))
        } catch {
            StandardError.write("invalid token: \(error)")
            throw WardenExit.negative
        }
    }
}

struct TokenJWKSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jwks", abstract: "Print the JWKS document of the signing keys.")

    @OptionGroup var data: DataOptions

    func run() throws {
        print(try reporting { try data.open().keyRing().jwks() })
    }
}

struct TokenRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Sign with a new key; the old one keeps verifying for --overlap seconds.")

    @Option(help: "Seconds the previous key keeps verifying.") var overlap: Double = 86_400
    @OptionGroup var data: DataOptions

    func run() throws {
        let ring = try reporting { try data.open().rotateKeys(overlap: overlap) }
        print("signing with key \(ring.active?.id ?? "?"); \(ring.keys.count) keys verify")
    }
}

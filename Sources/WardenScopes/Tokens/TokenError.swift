/// Why a token was not accepted. Names which check failed, never the token itself.
public struct TokenError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case malformed, algorithmNotAllowed, unknownKey, badSignature, wrongIssuer, wrongAudience, expired, notYetValid
        case missingScopes, signingFailed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

import WardenModel
import WardenStore

/// Why a check, list or expand could not be answered. An error is never a "no": callers must not treat it as one.
public struct CheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of failure, with OpenFGA's error codes.
    public enum Code: Int, Hashable, Sendable {
        /// The request is malformed (bad user, unknown relation in a condition, missing condition parameters).
        case validation = 2000
        /// The graph needs more than the maximum resolution depth (OpenFGA's
        /// `authorization_model_resolution_too_complex`).
        case resolutionTooComplex = 2002
        /// The request names a type the model does not define.
        case typeNotFound = 2021
        /// The request names a relation the type does not define.
        case relationNotFound = 2022
        /// A contextual tuple breaks the model.
        case invalidTuple = 2027
        /// The store failed.
        case store = 4000
        /// The deadline passed before an answer.
        case deadlineExceeded = 4004
    }

    public var code: Code
    /// A sentence naming what and where.
    public var message: String
    /// For missing condition parameters: their names.
    public var missingParameters: [String]

    public init(_ code: Code, _ message: String, missingParameters: [String] = []) {
        self.code = code
        self.message = message
        self.missingParameters = missingParameters
    }

    public var description: String { message }

    /// The request's deadline passed before an answer.
    static func deadlineExceeded() -> CheckError {
        CheckError(.deadlineExceeded, "the check did not finish before its deadline")
    }

    /// `body`'s value, a store failure becoming a ``CheckError``.
    static func reading<Value>(_ body: () throws(StoreError) -> Value) throws(CheckError) -> Value {
        do throws(StoreError) { return try body() } catch { throw CheckError(error) }
    }

    /// The error for a walk past the maximum depth, in OpenFGA's words.
    public static func resolutionTooComplex() -> CheckError {
        CheckError(
            .resolutionTooComplex,
            "Authorization Model resolution required too many rewrite rules to be resolved. Check your authorization "
                + "model for infinite recursion or too much nesting")
    }

    init(_ error: StoreError) {
        self.init(.store, error.message)
    }
}

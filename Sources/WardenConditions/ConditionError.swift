/// Why a condition could not be compiled or evaluated: a syntax or type problem (with its offset in the
/// expression), a missing parameter, a value of the wrong type, or a runtime error (overflow, division by zero).
///
/// Messages never echo context values except where OpenFGA's own wording names the offending number.
public struct ConditionError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case syntax, type, missingParameters, parameterType, evaluation, costExceeded
    }

    public var code: Code
    public var message: String
    /// For `.syntax`/`.type`: the UTF-8 offset in the expression.
    public var offset: Int?
    /// For `.missingParameters`: the names, sorted.
    public var missingParameters: [String]

    public init(_ code: Code, _ message: String, offset: Int? = nil, missingParameters: [String] = []) {
        self.code = code
        self.message = message
        self.offset = offset
        self.missingParameters = missingParameters
    }

    public var description: String { message }
}

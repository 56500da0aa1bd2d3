import WardenModel

/// The seam to condition evaluation: decides whether a conditioned tuple counts, given the tuple's stored context
/// and the request's context (the tuple's values win on conflict, as in OpenFGA).
///
/// Implementations must be pure and `Sendable`: the engine calls them from any thread, many times per check.
public protocol ConditionEvaluating: Sendable {
    /// Evaluates `definition` for `tuple`.
    /// - Returns: whether the condition holds.
    /// - Throws: ``CheckError`` `.validation` with the missing parameter names, or for a value of the wrong type.
    func evaluate(
        _ definition: ConditionDefinition, tuple: RelationshipTuple, requestContext: JSONValue?
    ) throws(CheckError) -> Bool
}

/// Conditions never hold: every conditioned tuple is ignored. Safe (never grants) where no evaluator is wired in.
public struct FailClosedConditions: ConditionEvaluating {
    public init() {}

    public func evaluate(
        _ definition: ConditionDefinition, tuple: RelationshipTuple, requestContext: JSONValue?
    ) throws(CheckError) -> Bool {
        false
    }
}

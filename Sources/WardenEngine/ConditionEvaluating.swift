import WardenModel

/// The seam to condition evaluation: decides whether a conditioned tuple counts, given the tuple's stored context
/// and the request's context (the tuple's values win on conflict, as in OpenFGA).
///
/// Implementations must be pure and `Sendable`: the engine calls them from any thread, many times per check. They
/// are classes: a check refers to the engine's evaluator without counting a reference on it (which every core
/// would write), so the evaluator must outlive the engine calls using it, as an engine's own does.
public protocol ConditionEvaluating: AnyObject, Sendable {
    /// Evaluates `definition` for `tuple`.
    /// - Returns: whether the condition holds.
    /// - Throws: ``CheckError`` `.validation` with the missing parameter names, or for a value of the wrong type.
    func evaluate(
        _ definition: ConditionDefinition, tuple: RelationshipTuple, requestContext: JSONValue?
    ) throws(CheckError) -> Bool
}

/// Conditions never hold: every conditioned tuple is ignored. Safe (never grants) where no evaluator is wired in.
public final class FailClosedConditions: ConditionEvaluating {
    public init() {}

    public func evaluate(
        _ definition: ConditionDefinition, tuple: RelationshipTuple, requestContext: JSONValue?
    ) throws(CheckError) -> Bool {
        false
    }
}

import Foundation
import WardenConditions
import WardenModel

/// Evaluates OpenFGA conditions with Warden's CEL implementation. Each condition is parsed once and kept (keyed by
/// its definition), so a check pays only for evaluation.
///
/// `Sendable`; share one per process.
public final class CELConditions: ConditionEvaluating, @unchecked Sendable {
    private let lock = NSLock()
    private var compiled: [ConditionDefinition: Result<CompiledCondition, ConditionError>] = [:]

    public init() {}

    private func condition(_ definition: ConditionDefinition) -> Result<CompiledCondition, ConditionError> {
        if let known = lock.withLock({ compiled[definition] }) { return known }
        let result: Result<CompiledCondition, ConditionError>
        do throws(ConditionError) {
            result = .success(try CompiledCondition(definition))
        } catch {
            result = .failure(error)
        }
        lock.withLock { compiled[definition] = result }
        return result
    }

    public func evaluate(
        _ definition: ConditionDefinition, tuple: RelationshipTuple, requestContext: JSONValue?
    ) throws(CheckError) -> Bool {
        var context: [String: JSONValue] = [:]
        if case .object(let members)? = requestContext { for (key, value) in members { context[key] = value } }
        // The tuple's own values win over the request's, as in OpenFGA.
        if case .object(let members)? = tuple.condition?.context { for (key, value) in members { context[key] = value } }
        do throws(ConditionError) {
            return try condition(definition).get().evaluate(context: context)
        } catch {
            let prefix = "failed to evaluate relationship condition: "
            switch error.code {
            case .missingParameters:
                throw CheckError(
                    .validation,
                    prefix + "'\(definition.name)' - tuple '\(tuple.key)' is missing context parameters "
                        + "'[\(error.missingParameters.joined(separator: " "))]'",
                    missingParameters: error.missingParameters)
            case .parameterType:
                throw CheckError(.validation, prefix + error.message)
            default:
                throw CheckError(.validation, prefix + "'\(definition.name)' - \(error.message)")
            }
        }
    }
}

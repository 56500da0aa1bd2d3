import WardenModel

/// Compiles every condition of a model, so a bad expression is reported when the model is loaded, at its line and
/// column in the DSL, rather than when a check first meets it.
public enum ConditionValidation {
    /// The longest expression OpenFGA's server stores ("value length must be at most 512 bytes").
    public static let maximumExpressionBytes = 512

    /// One diagnostic per condition that does not compile.
    public static func diagnose(_ model: AuthorizationModel) -> [Diagnostic] {
        model.conditions.compactMap { definition -> Diagnostic? in
            do throws(ConditionError) {
                _ = try CompiledCondition(definition)
                return nil
            } catch {
                return Diagnostic(
                    kind: .invalidConditionExpression,
                    message: "condition '\(definition.name)': \(error.message)", symbol: definition.name,
                    range: range(of: error.offset, in: definition))
            }
        }
    }

    /// Reads, parses and validates the model at `path`, conditions included.
    /// - Throws: ``ModelError`` with every problem found.
    public static func loadValidated(path: String) throws(ModelError) -> AuthorizationModel {
        let model = try ModelLoader.load(path: path)
        try validate(model)
        return model
    }

    /// Validates the model with OpenFGA's rules, then compiles its conditions; warnings pass unless `strict`.
    /// - Throws: ``ModelError`` with every problem found.
    public static func validate(_ model: AuthorizationModel, strict: Bool = false) throws(ModelError) {
        let problems = diagnoseAll(model)
        if problems.contains(where: { strict || $0.severity == .error }) { throw ModelError(problems) }
    }

    /// Every problem in the model, warnings included: OpenFGA's rules, then (when those found no error) the
    /// conditions' expressions.
    public static func diagnoseAll(_ model: AuthorizationModel) -> [Diagnostic] {
        let problems = ModelValidator().diagnose(model)
        guard !problems.contains(where: { $0.severity == .error }) else { return problems }
        return problems + diagnose(model)
    }

    /// Why a tuple's stored context cannot be read as `definition`'s parameters, in OpenFGA's words (its server
    /// refuses such a write: "parameter type error on condition 'small' - failed to convert context parameter
    /// 'x': …"); nil when every value converts. Names the condition does not declare are the validator's business.
    @Sendable
    public static func contextProblem(_ context: JSONValue, for definition: ConditionDefinition) -> String? {
        guard case .object(let members) = context else { return nil }
        for (name, value) in members {
            guard let parameter = definition.parameters.first(where: { $0.name == name }) else { continue }
            do throws(ConditionError) {
                _ = try ParameterConversion.convert(value, to: parameter.type)
            } catch {
                return "parameter type error on condition '\(definition.name)' - failed to convert context parameter "
                    + "'\(name)': \(error.message)"
            }
        }
        return nil
    }

    private static func range(of offset: Int?, in definition: ConditionDefinition) -> SourceRange? {
        guard let start = definition.expressionRange else { return nil }
        guard let offset else { return start }
        var position = start.start
        for byte in definition.expression.utf8.prefix(offset) {
            if byte == 0x0A {
                position.line += 1
                position.column = 0
            } else {
                position.column += 1
            }
        }
        return SourceRange(file: start.file, start: position, end: SourcePosition(line: position.line, column: position.column + 1))
    }
}

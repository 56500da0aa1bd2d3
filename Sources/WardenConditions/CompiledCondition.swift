import WardenModel

/// A condition parsed once, ready to evaluate many times: its expression tree and declared parameters.
///
/// ```swift
/// let condition = try CompiledCondition(definition)
/// let holds = try condition.evaluate(context: ["x": .number("5")])
/// ```
public struct CompiledCondition: Sendable {
    /// The most work one evaluation may do, in cel-go's cost units (see ``CELCost``): OpenFGA's default limit.
    public static let maximumCost = CELCost.openFGALimit

    public let name: String
    let parameters: [(name: String, type: ConditionParameterType)]
    let expression: CELExpression
    /// Every constant pattern of a `matches` call, compiled once.
    let patterns: [String: RegexProgram]

    /// Parses `definition`'s expression and type-checks it against the declared parameters.
    /// - Throws: ``ConditionError`` `.syntax` or `.type` with the offset in the expression.
    public init(_ definition: ConditionDefinition) throws(ConditionError) {
        name = definition.name
        parameters = definition.parameters.map { ($0.name, $0.type) }
        // OpenFGA's server stores no longer expression; the bound also keeps every walk of the tree shallow.
        guard definition.expression.utf8.count <= ConditionValidation.maximumExpressionBytes else {
            throw ConditionError(
                .syntax, "the expression is \(definition.expression.utf8.count) bytes; OpenFGA's server refuses more "
                    + "than \(ConditionValidation.maximumExpressionBytes) (invalid Condition.Expression)")
        }
        expression = try CELParser.parse(definition.expression)
        var variables: [String: CELType] = [:]
        for (name, type) in parameters { variables[name] = CELType(type) }
        try CELTypeChecker(variables: variables).check(expression)
        var patterns: [String: RegexProgram] = [:]
        try Self.compilePatterns(in: expression, into: &patterns)
        self.patterns = patterns
    }

    /// Compiles the constant pattern of every `matches` call, so a bad one is refused with the model (as
    /// OpenFGA's server refuses it: "error parsing regexp: …").
    private static func compilePatterns(
        in expression: CELExpression, into patterns: inout [String: RegexProgram]
    ) throws(ConditionError) {
        switch expression {
        case .literal, .identifier: break
        case .list(let elements): for element in elements { try compilePatterns(in: element, into: &patterns) }
        case .map(let entries):
            for (key, value) in entries {
                try compilePatterns(in: key, into: &patterns)
                try compilePatterns(in: value, into: &patterns)
            }
        case .unary(_, let operand): try compilePatterns(in: operand, into: &patterns)
        case .binary(_, let left, let right, _):
            try compilePatterns(in: left, into: &patterns)
            try compilePatterns(in: right, into: &patterns)
        case .conditional(let condition, let then, let otherwise):
            for part in [condition, then, otherwise] { try compilePatterns(in: part, into: &patterns) }
        case .index(let base, let key):
            try compilePatterns(in: base, into: &patterns)
            try compilePatterns(in: key, into: &patterns)
        case .select(let base, _): try compilePatterns(in: base, into: &patterns)
        case .call(let name, let target, let arguments, let offset):
            if let target { try compilePatterns(in: target, into: &patterns) }
            for argument in arguments { try compilePatterns(in: argument, into: &patterns) }
            if name == "matches", let last = arguments.last, case .literal(.string(let pattern)) = last,
                patterns[pattern] == nil
            {
                do throws(RegexSyntaxError) {
                    patterns[pattern] = try RegexProgram(pattern)
                } catch {
                    throw ConditionError(.syntax, error.description, offset: offset)
                }
            }
        }
    }

    /// Evaluates the condition with `context` (parameter name → JSON value).
    /// - Returns: whether the condition holds.
    /// - Throws: ``ConditionError``: `.missingParameters` naming every declared parameter absent from `context`,
    ///   `.parameterType` for a value that does not convert to its declared type, `.evaluation` for runtime
    ///   errors, `.costExceeded` past ``maximumCost``.
    public func evaluate(context: [String: JSONValue]) throws(ConditionError) -> Bool {
        var variables = [String: CELValue](minimumCapacity: parameters.count)
        var missing: [String] = []
        for (parameter, type) in parameters {
            guard let value = context[parameter] else {
                missing.append(parameter)
                continue
            }
            do throws(ConditionError) {
                variables[parameter] = try ParameterConversion.convert(value, to: type)
            } catch {
                throw ConditionError(
                    .parameterType,
                    "parameter type error on condition '\(name)' - failed to convert context parameter '\(parameter)': "
                        + error.message)
            }
        }
        if !missing.isEmpty {
            throw ConditionError(.missingParameters, "missing context parameters", missingParameters: missing.sorted())
        }
        var evaluator = CELEvaluator(variables: variables, patterns: patterns)
        let result = try evaluator.evaluate(expression)
        guard case .bool(let holds) = result else {
            throw ConditionError(.evaluation, "condition '\(name)' evaluated to \(result.typeName), not bool")
        }
        return holds
    }
}

/// Converts JSON context values to the parameter types a condition declares.
enum ParameterConversion {
    static func convert(_ value: JSONValue, to type: ConditionParameterType) throws(ConditionError) -> CELValue {
        func mismatch() -> ConditionError {
            ConditionError(.parameterType, "expected type value '\(type.dslName)', but found '\(jsonKind(value))'")
        }
        switch (type, value) {
        case (.any, _): return try natural(value)
        case (.bool, .bool(let flag)): return .bool(flag)
        case (.string, .string(let text)): return .string(text)
        case (.int, .number), (.int, .string), (.uint, .number), (.uint, .string), (.double, .string):
            return try numeric(value, to: type)
        case (.double, .number(let text)):
            guard let number = Double(text), number.isFinite else {
                throw ConditionError(.parameterType, "number cannot be represented as a float64: \(text)")
            }
            return .double(number)
        case (.duration, .string(let text)): return .duration(try CELTime.duration(text))
        case (.timestamp, .string(let text)): return try CELTime.timestamp(text)
        case (.ipaddress, .string(let text)):
            guard let bytes = CELNetwork.address(text) else {
                throw ConditionError(.parameterType, "could not parse string as an ipaddress '\(text)'")
            }
            return .ipaddress(bytes)
        case (.list(let element), .array(let values)):
            var converted: [CELValue] = []
            for item in values { converted.append(try convert(item, to: element)) }
            return .list(converted)
        case (.map(let element), .object(let members)):
            var converted: [ByteString: CELValue] = [:]
            for (key, item) in members { converted[ByteString(key)] = try convert(item, to: element) }
            return .map(converted)
        default:
            throw mismatch()
        }
    }

    /// `int`, `uint` and `double` from a JSON number (a float64 to OpenFGA) or a numeric string, as ``GoNumber``
    /// describes: integral values saturate at the int64 range, a string double must be exact.
    static func numeric(_ value: JSONValue, to type: ConditionParameterType) throws(ConditionError) -> CELValue {
        let number: GoNumber
        let shown: String
        switch value {
        case .number(let text):
            // The common case, a small integer, needs no detour through a double (it is exact there).
            if type != .double, let small = Int64(text), small.magnitude <= 1 << 53 {
                guard type == .int || small >= 0 else {
                    throw ConditionError(.parameterType, "expected a uint value, but found int64 value '\(small)'")
                }
                return type == .int ? .int(small) : .uint(UInt64(small))
            }
            guard let double = Double(text), double.isFinite else {
                throw ConditionError(.parameterType, "number cannot be represented as a float64: \(text)")
            }
            number = GoNumber(double)
            shown = "\(double)"
        case .string(let text):
            guard let parsed = GoNumber(parsing: text) else {
                let goType = type == .int ? "int64" : (type == .uint ? "uint64" : "float64")
                throw ConditionError(.parameterType, "expected a \(goType) value, but found invalid string value '\(text)'")
            }
            number = parsed
            shown = text
        default:
            throw ConditionError(.parameterType, "expected type value '\(type.dslName)', but found '\(jsonKind(value))'")
        }
        switch type {
        case .int:
            guard number.isInteger else {
                throw ConditionError(.parameterType, "expected an int value, but found numeric value '\(shown)'")
            }
            return .int(number.saturatedInt64)
        case .uint:
            guard number.isInteger else {
                throw ConditionError(.parameterType, "expected a uint value, but found numeric value '\(shown)'")
            }
            let saturated = number.saturatedInt64
            guard saturated >= 0 else {
                throw ConditionError(.parameterType, "expected a uint value, but found int64 value '\(shown)'")
            }
            return .uint(UInt64(saturated))
        default:
            guard let double = number.exactDouble else {
                throw ConditionError(.parameterType, "number cannot be represented as a float64: \(shown)")
            }
            return .double(double)
        }
    }

    /// A value of parameter type `any`: JSON's own types (numbers as double, as protobuf's Struct has them).
    static func natural(_ value: JSONValue) throws(ConditionError) -> CELValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let text):
            guard let number = Double(text), number.isFinite else {
                throw ConditionError(.parameterType, "number cannot be represented as a float64: \(text)")
            }
            return .double(number)
        case .string(let text): return .string(text)
        case .array(let values):
            var converted: [CELValue] = []
            for item in values { converted.append(try natural(item)) }
            return .list(converted)
        case .object(let members):
            var converted: [ByteString: CELValue] = [:]
            for (key, item) in members { converted[ByteString(key)] = try natural(item) }
            return .map(converted)
        }
    }

    private static func jsonKind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .array: "list"
        case .object: "map"
        }
    }
}

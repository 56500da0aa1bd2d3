import WardenModel

/// Evaluates an expression tree against parameter values with CEL's semantics: no implicit conversions except
/// numeric comparison across int, uint and double; overflow and division by zero are errors; `&&` and `||`
/// absorb an error on one side when the other side decides the answer.
struct CELEvaluator {
    let variables: [String: CELValue]
    /// Evaluation steps left; each node costs one. A hostile expression runs out instead of hanging a check.
    var budget: Int

    mutating func evaluate(_ expression: CELExpression) throws(ConditionError) -> CELValue {
        budget -= 1
        guard budget >= 0 else { throw ConditionError(.costExceeded, "the condition exceeded its evaluation cost limit") }
        switch expression {
        case .literal(let value):
            return value
        case .identifier(let name, let offset):
            guard let value = variables[name] else {
                throw ConditionError(.evaluation, "no such attribute '\(name)'", offset: offset)
            }
            return value
        case .list(let elements):
            var values: [CELValue] = []
            for element in elements { values.append(try evaluate(element)) }
            return .list(values)
        case .map(let entries):
            var map: [ByteString: CELValue] = [:]
            for (keyExpression, valueExpression) in entries {
                guard case .string(let key) = try evaluate(keyExpression) else {
                    throw ConditionError(.evaluation, "map keys must be strings")
                }
                map[ByteString(key)] = try evaluate(valueExpression)
            }
            return .map(map)
        case .unary(let symbol, let operand):
            let value = try evaluate(operand)
            switch (symbol, value) {
            case ("!", .bool(let flag)): return .bool(!flag)
            case ("-", .int(let number)):
                guard number != .min else { throw ConditionError(.evaluation, "int overflow") }
                return .int(-number)
            case ("-", .double(let number)): return .double(-number)
            case ("-", .duration(let nanos)):
                guard nanos != .min else { throw ConditionError(.evaluation, "duration overflow") }
                return .duration(-nanos)
            default: throw Self.noOverload(symbol, value)
            }
        case .binary(let operation, let left, let right, _):
            if operation == .and || operation == .or { return try logical(operation, left, right) }
            return try CELOperators.apply(operation, try evaluate(left), try evaluate(right))
        case .conditional(let condition, let then, let otherwise):
            guard case .bool(let flag) = try evaluate(condition) else {
                throw ConditionError(.evaluation, "a conditional needs a bool condition")
            }
            return try evaluate(flag ? then : otherwise)
        case .index(let base, let key):
            return try CELOperators.index(try evaluate(base), try evaluate(key))
        case .select(let base, let field):
            guard case .map(let map) = try evaluate(base) else {
                throw ConditionError(.evaluation, "field '\(field)' selected from a value that is not a map")
            }
            guard let value = map[ByteString(field)] else { throw ConditionError(.evaluation, "no such key: \(field)") }
            return value
        case .call(let name, let target, let arguments, _):
            // Every function takes at most two values (a method's target counts as one): no array per call.
            let count = arguments.count + (target == nil ? 0 : 1)
            guard count <= 2 else {
                throw ConditionError(.evaluation, "no such overload: \(name) with \(count) arguments")
            }
            var values: (CELValue?, CELValue?) = (nil, nil)
            if let target { values.0 = try evaluate(target) }
            for argument in arguments {
                let value = try evaluate(argument)
                if values.0 == nil { values.0 = value } else { values.1 = value }
            }
            return try CELFunctions.call(name, isMethod: target != nil, count, values.0, values.1)
        }
    }

    /// `&&` and `||`, commutative over errors: `false && error` and `error && false` are both false.
    private mutating func logical(_ operation: CELOperator, _ left: CELExpression, _ right: CELExpression) throws(ConditionError) -> CELValue {
        let decisive = operation == .or
        var firstError: ConditionError?
        for index in 0..<2 {
            do throws(ConditionError) {
                let value = try evaluate(index == 0 ? left : right)
                guard case .bool(let flag) = value else { throw Self.noOverload(operation.rawValue, value) }
                if flag == decisive { return .bool(decisive) }
            } catch {
                if error.code == .costExceeded { throw error }
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return .bool(!decisive)
    }

    static func noOverload(_ operation: String, _ values: CELValue...) -> ConditionError {
        ConditionError(
            .evaluation, "no such overload: \(operation)(\(values.map(\.typeName).joined(separator: ", ")))")
    }
}

import WardenModel

/// Evaluates an expression tree against parameter values with CEL's semantics: no implicit conversions except
/// numeric comparison across int, uint and double; overflow and division by zero are errors; `&&` and `||`
/// absorb an error on one side when the other side decides the answer.
struct CELEvaluator {
    let variables: [String: CELValue]
    /// The condition's constant patterns, compiled once.
    let patterns: [String: RegexProgram]
    /// The most work one evaluation may do, in ``CELCost`` units. A hostile expression or a huge value runs out
    /// instead of hanging a check.
    let limit: Int
    private(set) var cost = 0

    init(variables: [String: CELValue], patterns: [String: RegexProgram] = [:], limit: Int = CELCost.openFGALimit) {
        self.variables = variables
        self.patterns = patterns
        self.limit = limit
    }

    private mutating func charge(_ amount: Int) throws(ConditionError) {
        cost = cost.addingReportingOverflow(amount).overflow ? .max : cost + amount
        guard cost <= limit else {
            throw ConditionError(.costExceeded, "operation cancelled: actual cost limit exceeded")
        }
    }

    mutating func evaluate(_ expression: CELExpression) throws(ConditionError) -> CELValue {
        switch expression {
        case .literal(let value):
            return value
        case .identifier(let name, let offset):
            try charge(1)
            guard let value = variables[name] else {
                throw ConditionError(.evaluation, "no such attribute '\(name)'", offset: offset)
            }
            return value
        case .list(let elements):
            var values: [CELValue] = []
            for element in elements { values.append(try evaluate(element)) }
            try charge(CELCost.isConstant(elements) ? 0 : CELCost.listCreation)
            return .list(values)
        case .map(let entries):
            var map: [ByteString: CELValue] = [:]
            for (keyExpression, valueExpression) in entries {
                guard case .string(let key) = try evaluate(keyExpression) else {
                    throw ConditionError(.evaluation, "map keys must be strings")
                }
                map[ByteString(key)] = try evaluate(valueExpression)
            }
            try charge(CELCost.mapCreation)
            return .map(map)
        case .unary(let symbol, let operand):
            let value = try evaluate(operand)
            try charge(1)
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
            let (leftValue, rightValue) = (try evaluate(left), try evaluate(right))
            var constantList = false
            if case .list(let elements) = right { constantList = CELCost.isConstant(elements) }
            try charge(CELCost.binary(operation, leftValue, rightValue, constantList: constantList))
            return try CELOperators.apply(operation, leftValue, rightValue)
        case .conditional(let condition, let then, let otherwise):
            guard case .bool(let flag) = try evaluate(condition) else {
                throw ConditionError(.evaluation, "a conditional needs a bool condition")
            }
            return try evaluate(flag ? then : otherwise)
        case .index(let base, let key):
            let baseValue = try evaluate(base)
            // A constant key is part of the access (one unit); a computed key costs what computing it costs.
            let keyValue: CELValue
            if case .literal(let constant) = key {
                keyValue = constant
                try charge(1)
            } else {
                keyValue = try evaluate(key)
            }
            return try CELOperators.index(baseValue, keyValue)
        case .select(let base, let field):
            let baseValue = try evaluate(base)
            try charge(1)
            guard case .map(let map) = baseValue else {
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
            try charge(CELCost.call(name, values.0, values.1))
            if name == "matches", count == 2, case .string(let text)? = values.0, case .string(let pattern)? = values.1 {
                return .bool(try matches(text, pattern))
            }
            return try CELFunctions.call(name, isMethod: target != nil, count, values.0, values.1)
        }
    }

    private func matches(_ text: String, _ pattern: String) throws(ConditionError) -> Bool {
        if let program = patterns[pattern] { return program.matches(text) }
        do throws(RegexSyntaxError) {
            return try RegexProgram(pattern).matches(text)
        } catch {
            throw ConditionError(.evaluation, error.description)
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

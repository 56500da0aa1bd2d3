import WardenModel

/// CEL's binary operators over values.
enum CELOperators {
    static func apply(_ operation: CELOperator, _ left: CELValue, _ right: CELValue) throws(ConditionError) -> CELValue {
        switch operation {
        case .equal: return .bool(try equal(left, right))
        case .notEqual: return .bool(!(try equal(left, right)))
        case .less: return .bool(try compare(left, right, "<") < 0)
        case .lessOrEqual: return .bool(try compare(left, right, "<=") <= 0)
        case .greater: return .bool(try compare(left, right, ">") > 0)
        case .greaterOrEqual: return .bool(try compare(left, right, ">=") >= 0)
        case .in: return .bool(try contains(right, left))
        case .add, .subtract, .multiply, .divide, .remainder: return try arithmetic(operation, left, right)
        case .and, .or: throw CELEvaluator.noOverload(operation.rawValue, left, right)
        }
    }

    static func equal(_ left: CELValue, _ right: CELValue) throws(ConditionError) -> Bool {
        if let order = numericOrder(left, right) { return order == 0 }
        switch (left, right) {
        case (.list(let l), .list(let r)):
            guard l.count == r.count else { return false }
            for (a, b) in zip(l, r) where !(try equal(a, b)) { return false }
            return true
        case (.map(let l), .map(let r)):
            guard l.count == r.count else { return false }
            for (key, value) in l {
                guard let other = r[key], try equal(value, other) else { return false }
            }
            return true
        default:
            guard left.typeName == right.typeName else { throw CELEvaluator.noOverload("==", left, right) }
            if case .string(let l) = left, case .string(let r) = right { return l.bytesEqual(r) }
            return left == right
        }
    }

    /// Orders numbers of any numeric type against each other (CEL's cross-type numeric comparison).
    static func numericOrder(_ left: CELValue, _ right: CELValue) -> Int? {
        switch (left, right) {
        case (.int(let l), .int(let r)): return l < r ? -1 : (l > r ? 1 : 0)
        case (.uint(let l), .uint(let r)): return l < r ? -1 : (l > r ? 1 : 0)
        case (.int(let l), .uint(let r)): return l < 0 ? -1 : order(UInt64(l), r)
        case (.uint(let l), .int(let r)): return r < 0 ? 1 : order(l, UInt64(r))
        case (.double(let l), .double(let r)): return order(l, r)
        case (.double(let l), .int(let r)): return order(l, Double(r))
        case (.int(let l), .double(let r)): return order(Double(l), r)
        case (.double(let l), .uint(let r)): return order(l, Double(r))
        case (.uint(let l), .double(let r)): return order(Double(l), r)
        default: return nil
        }
    }

    private static func order<T: Comparable>(_ left: T, _ right: T) -> Int { left < right ? -1 : (left > right ? 1 : 0) }

    static func compare(_ left: CELValue, _ right: CELValue, _ symbol: String) throws(ConditionError) -> Int {
        if let order = numericOrder(left, right) { return order }
        switch (left, right) {
        case (.string(let l), .string(let r)):
            let (a, b) = (Array(l.utf8), Array(r.utf8))
            return a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
        case (.bool(let l), .bool(let r)): return order(l ? 1 : 0, r ? 1 : 0)
        case (.duration(let l), .duration(let r)): return order(l, r)
        case (.timestamp(let ls, let ln), .timestamp(let rs, let rn)): return ls != rs ? order(ls, rs) : order(ln, rn)
        default: throw CELEvaluator.noOverload(symbol, left, right)
        }
    }

    static func contains(_ container: CELValue, _ element: CELValue) throws(ConditionError) -> Bool {
        switch container {
        case .list(let values):
            for value in values where (try? equal(value, element)) == true { return true }
            return false
        case .map(let map):
            guard case .string(let key) = element else { return false }
            return map[ByteString(key)] != nil
        default:
            throw CELEvaluator.noOverload("in", element, container)
        }
    }

    static func index(_ base: CELValue, _ key: CELValue) throws(ConditionError) -> CELValue {
        switch (base, key) {
        case (.list(let values), .int(let position)):
            guard position >= 0, position < values.count else { throw ConditionError(.evaluation, "index out of range: \(position)") }
            return values[Int(position)]
        case (.list(let values), .uint(let position)):
            guard position < values.count else { throw ConditionError(.evaluation, "index out of range: \(position)") }
            return values[Int(position)]
        case (.map(let map), .string(let name)):
            guard let value = map[ByteString(name)] else { throw ConditionError(.evaluation, "no such key: \(name)") }
            return value
        default:
            throw CELEvaluator.noOverload("_[_]", base, key)
        }
    }

    /// Integer arithmetic with CEL's errors: overflow (either way) and division or modulus by zero.
    private static func integer<T: FixedWidthInteger>(
        _ operation: CELOperator, _ l: T, _ r: T, type: String
    ) throws(ConditionError) -> T {
        let (value, overflowed): (T, Bool)
        switch operation {
        case .add: (value, overflowed) = l.addingReportingOverflow(r)
        case .subtract: (value, overflowed) = l.subtractingReportingOverflow(r)
        case .multiply: (value, overflowed) = l.multipliedReportingOverflow(by: r)
        case .divide:
            guard r != 0 else { throw ConditionError(.evaluation, "division by zero") }
            (value, overflowed) = l.dividedReportingOverflow(by: r)
        default:
            guard r != 0 else { throw ConditionError(.evaluation, "modulus by zero") }
            (value, overflowed) = l.remainderReportingOverflow(dividingBy: r)
        }
        if overflowed { throw ConditionError(.evaluation, "\(type) overflow") }
        return value
    }

    static func arithmetic(_ operation: CELOperator, _ left: CELValue, _ right: CELValue) throws(ConditionError) -> CELValue {
        let symbol = operation.rawValue
        switch (left, right) {
        case (.int(let l), .int(let r)): return .int(try integer(operation, l, r, type: "int"))
        case (.uint(let l), .uint(let r)): return .uint(try integer(operation, l, r, type: "uint"))
        case (.double(let l), .double(let r)):
            switch symbol {
            case "+": return .double(l + r)
            case "-": return .double(l - r)
            case "*": return .double(l * r)
            case "/": return .double(l / r)
            default: throw CELEvaluator.noOverload(symbol, left, right)
            }
        case (.string(let l), .string(let r)) where symbol == "+":
            return .string(l + r)
        case (.list(let l), .list(let r)) where symbol == "+":
            return .list(l + r)
        case (.duration(let l), .duration(let r)) where symbol == "+" || symbol == "-":
            let (value, overflowed) = symbol == "+" ? l.addingReportingOverflow(r) : l.subtractingReportingOverflow(r)
            if overflowed { throw ConditionError(.evaluation, "duration overflow") }
            return .duration(value)
        case (.timestamp(let seconds, let nanos), .duration(let delta)) where symbol == "+" || symbol == "-":
            // Negating Int64.min traps; no timestamp is that far from another anyway.
            guard symbol == "+" || delta != .min else { throw ConditionError(.evaluation, "timestamp overflow") }
            return try CELTime.shift(seconds: seconds, nanos: nanos, by: symbol == "+" ? delta : -delta)
        case (.duration(let delta), .timestamp(let seconds, let nanos)) where symbol == "+":
            return try CELTime.shift(seconds: seconds, nanos: nanos, by: delta)
        case (.timestamp(let ls, let ln), .timestamp(let rs, let rn)) where symbol == "-":
            let (secondsNanos, overflowed) = (ls - rs).multipliedReportingOverflow(by: 1_000_000_000)
            let (total, overflowedAgain) = secondsNanos.addingReportingOverflow(Int64(ln) - Int64(rn))
            if overflowed || overflowedAgain { throw ConditionError(.evaluation, "duration overflow") }
            return .duration(total)
        default:
            throw CELEvaluator.noOverload(symbol, left, right)
        }
    }
}

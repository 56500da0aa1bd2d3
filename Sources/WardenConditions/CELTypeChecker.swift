import WardenModel

/// The static type of a CEL expression, as the checker infers it. `dyn` (from an `any` parameter, a `map<any>`
/// value, …) is accepted wherever a type is expected, and checked again when evaluated.
indirect enum CELType: Equatable, CustomStringConvertible {
    case bool, int, uint, double, string, duration, timestamp, ipaddress, null, dyn
    case list(CELType)
    case map(CELType)

    init(_ parameter: ConditionParameterType) {
        switch parameter {
        case .bool: self = .bool
        case .string: self = .string
        case .int: self = .int
        case .uint: self = .uint
        case .double: self = .double
        case .duration: self = .duration
        case .timestamp: self = .timestamp
        case .ipaddress: self = .ipaddress
        case .any: self = .dyn
        case .list(let element): self = .list(CELType(element))
        case .map(let value): self = .map(CELType(value))
        }
    }

    /// A value's type; a list or map literal's elements are not inspected (`list(dyn)`, `map(string, dyn)`).
    init(of value: CELValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .bool
        case .int: self = .int
        case .uint: self = .uint
        case .double: self = .double
        case .string: self = .string
        case .duration: self = .duration
        case .timestamp: self = .timestamp
        case .ipaddress: self = .ipaddress
        case .list: self = .list(.dyn)
        case .map: self = .map(.dyn)
        }
    }

    var description: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .uint: "uint"
        case .double: "double"
        case .string: "string"
        case .duration: "google.protobuf.Duration"
        case .timestamp: "google.protobuf.Timestamp"
        case .ipaddress: "ipaddress"
        case .null: "null_type"
        case .dyn: "dyn"
        case .list(let element): "list(\(element))"
        case .map(let value): "map(string, \(value))"
        }
    }

    var isNumeric: Bool { self == .int || self == .uint || self == .double }

    /// Whether a value of this type may stand where `other` is expected.
    func fits(_ other: CELType) -> Bool {
        if self == .dyn || other == .dyn { return true }
        switch (self, other) {
        case (.list(let a), .list(let b)), (.map(let a), .map(let b)): return a.fits(b)
        default: return self == other
        }
    }
}

/// Infers the type of a condition's expression from its declared parameters, so a wrong expression (an unknown
/// name, `x < "a"` for an int `x`, a function applied to the wrong type, a non-bool result) is reported when the
/// model is loaded, at its position, instead of failing every check that meets it.
struct CELTypeChecker {
    let variables: [String: CELType]

    func check(_ expression: CELExpression) throws(ConditionError) {
        let type = try infer(expression, near: 0)
        guard type.fits(.bool) else {
            throw ConditionError(.type, "the expression must be a bool, not \(type)", offset: 0)
        }
    }

    private func noOverload(_ operation: String, _ types: [CELType], _ offset: Int) -> ConditionError {
        ConditionError(
            .type, "found no matching overload for '\(operation)' applied to '(\(types.map(\.description).joined(separator: ", ")))'",
            offset: offset)
    }

    private func infer(_ expression: CELExpression, near offset: Int) throws(ConditionError) -> CELType {
        switch expression {
        case .literal(let value):
            return CELType(of: value)
        case .identifier(let name, let position):
            guard let type = variables[name] else {
                throw ConditionError(.type, "undeclared reference to '\(name)'", offset: position)
            }
            return type
        case .list(let elements):
            var element: CELType?
            for item in elements {
                let type = try infer(item, near: offset)
                element = element.map { $0 == type ? $0 : .dyn } ?? type
            }
            return .list(element ?? .dyn)
        case .map(let entries):
            var valueType: CELType?
            for (key, value) in entries {
                let keyType = try infer(key, near: offset)
                guard keyType.fits(.string) else { throw ConditionError(.type, "map keys must be strings, not \(keyType)", offset: offset) }
                let type = try infer(value, near: offset)
                valueType = valueType.map { $0 == type ? $0 : .dyn } ?? type
            }
            return .map(valueType ?? .dyn)
        case .unary(let symbol, let operand):
            let type = try infer(operand, near: offset)
            if type == .dyn { return .dyn }
            if symbol == "!", type == .bool { return .bool }
            if symbol == "-", type == .int || type == .double || type == .duration { return type }
            throw noOverload("\(symbol)_", [type], offset)
        case .binary(let operation, let left, let right, let position):
            return try binary(operation, try infer(left, near: position), try infer(right, near: position), position)
        case .conditional(let condition, let then, let otherwise):
            let conditionType = try infer(condition, near: offset)
            guard conditionType.fits(.bool) else { throw noOverload("_?_:_", [conditionType], offset) }
            let (a, b) = (try infer(then, near: offset), try infer(otherwise, near: offset))
            return a == b ? a : .dyn
        case .index(let base, let key):
            let (baseType, keyType) = (try infer(base, near: offset), try infer(key, near: offset))
            switch baseType {
            case .list(let element) where keyType.fits(.int) || keyType == .uint: return element
            case .map(let value) where keyType.fits(.string): return value
            case .dyn: return .dyn
            default: throw noOverload("_[_]", [baseType, keyType], offset)
            }
        case .select(let base, let field):
            let baseType = try infer(base, near: offset)
            switch baseType {
            case .map(let value): return value
            case .dyn: return .dyn
            default: throw ConditionError(.type, "type '\(baseType)' has no field '\(field)'", offset: offset)
            }
        case .call(let name, let target, let arguments, let position):
            var types: [CELType] = []
            if let target { types.append(try infer(target, near: position)) }
            for argument in arguments { types.append(try infer(argument, near: position)) }
            return try call(name, isMethod: target != nil, types, position)
        }
    }

    private func binary(_ operation: CELOperator, _ left: CELType, _ right: CELType, _ offset: Int) throws(ConditionError) -> CELType {
        let symbol = "_\(operation.rawValue)_"
        let dynamic = left == .dyn || right == .dyn
        switch operation {
        case .and, .or:
            guard left.fits(.bool), right.fits(.bool) else { throw noOverload(symbol, [left, right], offset) }
            return .bool
        case .equal, .notEqual:
            // CEL as OpenFGA configures it: no cross-type numeric comparison, and `null` equals only `null`.
            guard dynamic || left.fits(right) else { throw noOverload(symbol, [left, right], offset) }
            return .bool
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let ordered: Set<String> = ["string", "bool", "google.protobuf.Duration", "google.protobuf.Timestamp"]
            guard dynamic || (left == right && (left.isNumeric || ordered.contains(left.description))) else {
                throw noOverload(symbol, [left, right], offset)
            }
            return .bool
        case .in:
            switch right {
            case .list(let element) where left.fits(element): return .bool
            case .map where left.fits(.string): return .bool
            case .dyn: return .bool
            default: throw noOverload("@in", [left, right], offset)
            }
        case .add, .subtract, .multiply, .divide, .remainder:
            if dynamic { return .dyn }
            switch (left, right) {
            case (.int, .int), (.uint, .uint): return left
            case (.double, .double) where operation != .remainder: return .double
            case (.string, .string) where operation == .add: return .string
            case (.list, .list) where operation == .add: return left.fits(right) ? left : .list(.dyn)
            case (.duration, .duration) where operation == .add || operation == .subtract: return .duration
            case (.timestamp, .duration) where operation == .add || operation == .subtract: return .timestamp
            case (.duration, .timestamp) where operation == .add: return .timestamp
            case (.timestamp, .timestamp) where operation == .subtract: return .duration
            default: throw noOverload(symbol, [left, right], offset)
            }
        }
    }

    /// The signatures of ``CELFunctions``: (name, method?, argument types) → result.
    private func call(_ name: String, isMethod: Bool, _ types: [CELType], _ offset: Int) throws(ConditionError) -> CELType {
        func accepts(_ expected: [[CELType]]) -> Bool {
            expected.contains { signature in signature.count == types.count && zip(types, signature).allSatisfy { $0.fits($1) } }
        }
        let anyList = CELType.list(.dyn)
        let anyMap = CELType.map(.dyn)
        let methods: Set<String> = [
            "startsWith", "endsWith", "contains", "in_cidr", "getFullYear", "getMonth", "getDate", "getDayOfWeek", "getHours",
            "getMinutes", "getSeconds",
        ]
        if methods.contains(name), !isMethod {
            throw ConditionError(.type, "'\(name)' is a method: write value.\(name)(…)", offset: offset)
        }
        let (signatures, result): ([[CELType]], CELType)
        switch name {
        case "size": (signatures, result) = ([[.string], [anyList], [anyMap]], .int)
        case "startsWith", "endsWith", "contains": (signatures, result) = ([[.string, .string]], .bool)
        case "matches": (signatures, result) = ([[.string, .string]], .bool)
        case "int": (signatures, result) = ([[.int], [.uint], [.double], [.string], [.timestamp]], .int)
        case "uint": (signatures, result) = ([[.uint], [.int], [.double], [.string]], .uint)
        case "double": (signatures, result) = ([[.double], [.int], [.uint], [.string]], .double)
        case "string": (signatures, result) = ([[.string], [.int], [.uint], [.double], [.bool], [.ipaddress]], .string)
        case "bool": (signatures, result) = ([[.bool]], .bool)
        case "timestamp": (signatures, result) = ([[.string], [.timestamp]], .timestamp)
        case "duration": (signatures, result) = ([[.string], [.duration]], .duration)
        case "ipaddress": (signatures, result) = ([[.string]], .ipaddress)
        case "in_cidr": (signatures, result) = ([[.ipaddress, .string]], .bool)
        case "getFullYear", "getMonth", "getDate", "getDayOfWeek": (signatures, result) = ([[.timestamp]], .int)
        case "getHours", "getMinutes", "getSeconds": (signatures, result) = ([[.timestamp], [.duration]], .int)
        default:
            throw ConditionError(.type, "undeclared reference to '\(name)'", offset: offset)
        }
        guard accepts(signatures) else { throw noOverload(name, types, offset) }
        return result
    }
}

/// A `condition name(param: type, …) { expression }` block.
///
/// The expression is kept as text (trimmed, as OpenFGA keeps it); evaluating it is `WardenConditions`' job.
public struct ConditionDefinition: Hashable, Sendable {
    /// The condition's name.
    public var name: String
    /// Where the name was written.
    public var nameRange: SourceRange?
    /// The typed parameters in source order.
    public var parameters: [ConditionParameter]
    /// The CEL expression text.
    public var expression: String
    /// Where the expression text starts and ends.
    public var expressionRange: SourceRange?
    /// The module that defined the condition (schema 1.2 only).
    public var source: ModuleSource?

    public init(
        name: String,
        nameRange: SourceRange? = nil,
        parameters: [ConditionParameter],
        expression: String,
        expressionRange: SourceRange? = nil,
        source: ModuleSource? = nil
    ) {
        self.name = name
        self.nameRange = nameRange
        self.parameters = parameters
        self.expression = expression
        self.expressionRange = expressionRange
        self.source = source
    }
}

/// One typed parameter of a condition.
public struct ConditionParameter: Hashable, Sendable {
    /// The parameter's name.
    public var name: String
    /// Its declared type.
    public var type: ConditionParameterType
    /// Where the name was written.
    public var range: SourceRange?

    public init(name: String, type: ConditionParameterType, range: SourceRange? = nil) {
        self.name = name
        self.type = type
        self.range = range
    }
}

/// The parameter types OpenFGA's conditions declare.
public indirect enum ConditionParameterType: Hashable, Sendable {
    case bool, string, int, uint, double, duration, timestamp, ipaddress, any
    /// `list<T>`; `T` is never itself a list or map.
    case list(ConditionParameterType)
    /// `map<T>` with string keys; `T` is never itself a list or map.
    case map(ConditionParameterType)

    /// The scalar types by their DSL names.
    public static let scalars: [String: ConditionParameterType] = [
        "bool": .bool, "string": .string, "int": .int, "uint": .uint, "double": .double,
        "duration": .duration, "timestamp": .timestamp, "ipaddress": .ipaddress, "any": .any,
    ]

    /// The type as the DSL spells it: `string`, `list<int>`.
    public var dslName: String {
        switch self {
        case .bool: "bool"
        case .string: "string"
        case .int: "int"
        case .uint: "uint"
        case .double: "double"
        case .duration: "duration"
        case .timestamp: "timestamp"
        case .ipaddress: "ipaddress"
        case .any: "any"
        case .list(let element): "list<\(element.dslName)>"
        case .map(let value): "map<\(value.dslName)>"
        }
    }

    /// OpenFGA's JSON `type_name`: `TYPE_NAME_STRING`, `TYPE_NAME_LIST`, ….
    public var jsonTypeName: String {
        switch self {
        case .list: "TYPE_NAME_LIST"
        case .map: "TYPE_NAME_MAP"
        default: "TYPE_NAME_" + dslName.uppercased()
        }
    }

    /// The `generic_types` of a list or map.
    public var genericTypes: [ConditionParameterType] {
        switch self {
        case .list(let element), .map(let element): [element]
        default: []
        }
    }
}

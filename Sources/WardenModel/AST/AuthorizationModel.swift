/// An OpenFGA authorization model (schema 1.1 or 1.2): type definitions and conditions.
///
/// Built by ``DSLParser`` from the DSL or by ``ModelJSON`` from OpenFGA's JSON; checked by ``ModelValidator``.
public struct AuthorizationModel: Hashable, Sendable {
    /// The schema version, `1.1` or `1.2` (modular models).
    public var schemaVersion: String
    /// Where the schema version was written, when parsed from the DSL.
    public var schemaRange: SourceRange?
    /// The type definitions in source order.
    public var typeDefinitions: [TypeDefinition]
    /// The conditions in source order.
    public var conditions: [ConditionDefinition]

    public init(
        schemaVersion: String,
        schemaRange: SourceRange? = nil,
        typeDefinitions: [TypeDefinition] = [],
        conditions: [ConditionDefinition] = []
    ) {
        self.schemaVersion = schemaVersion
        self.schemaRange = schemaRange
        self.typeDefinitions = typeDefinitions
        self.conditions = conditions
    }

    /// The first type definition named `name`.
    public func typeDefinition(named name: String) -> TypeDefinition? {
        typeDefinitions.first { $0.name == name }
    }

    /// The first condition named `name`.
    public func condition(named name: String) -> ConditionDefinition? {
        conditions.first { $0.name == name }
    }
}

/// Where a type, relation or condition of a modular model came from (schema 1.2).
public struct ModuleSource: Hashable, Sendable {
    /// The module name declared by `module NAME`.
    public var module: String
    /// The file that declared it, relative to the `fga.mod` manifest.
    public var file: String

    public init(module: String, file: String) {
        self.module = module
        self.file = file
    }
}

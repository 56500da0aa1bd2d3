/// What one DSL file declares before files are combined: a model file (`model` header) or a module file
/// (`module` header, schema 1.2) with its own types, `extend type` blocks and conditions.
public struct DSLFile: Hashable, Sendable {
    /// The file's header.
    public enum Header: Hashable, Sendable {
        /// `model` / `schema X.Y`.
        case model(schemaVersion: String, range: SourceRange?)
        /// `module NAME`.
        case module(name: String, range: SourceRange?)
    }

    /// An `extend type NAME` block: relations added to a type another module defines.
    public struct TypeExtension: Hashable, Sendable {
        public var typeName: String
        public var nameRange: SourceRange?
        public var relations: [RelationDefinition]
    }

    public var header: Header
    public var typeDefinitions: [TypeDefinition]
    public var extensions: [TypeExtension]
    public var conditions: [ConditionDefinition]
}

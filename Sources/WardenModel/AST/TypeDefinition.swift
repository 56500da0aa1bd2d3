/// One `type` block of a model: a name and its relations.
public struct TypeDefinition: Hashable, Sendable {
    /// The type's name, as in `type document`.
    public var name: String
    /// Where the name was written.
    public var nameRange: SourceRange?
    /// The relations in source order.
    public var relations: [RelationDefinition]
    /// The module that defined the type (schema 1.2 only).
    public var source: ModuleSource?

    public init(
        name: String,
        nameRange: SourceRange? = nil,
        relations: [RelationDefinition] = [],
        source: ModuleSource? = nil
    ) {
        self.name = name
        self.nameRange = nameRange
        self.relations = relations
        self.source = source
    }

    /// The first relation named `name`.
    public func relation(named name: String) -> RelationDefinition? {
        relations.first { $0.name.bytesEqual(name) }
    }
}

/// One `define name: rewrite` line: a relation, how it is computed, and the user types it accepts directly.
public struct RelationDefinition: Hashable, Sendable {
    /// The relation's name.
    public var name: String
    /// Where the name was written.
    public var nameRange: SourceRange?
    /// How the relation is computed.
    public var rewrite: Rewrite
    /// The `[ … ]` type restrictions: the users a tuple may name directly (`directly_related_user_types`).
    public var directlyRelatedUserTypes: [TypeRestriction]
    /// The module that added the relation, when it differs from its type's (`extend type`, schema 1.2).
    public var source: ModuleSource?

    public init(
        name: String,
        nameRange: SourceRange? = nil,
        rewrite: Rewrite,
        directlyRelatedUserTypes: [TypeRestriction] = [],
        source: ModuleSource? = nil
    ) {
        self.name = name
        self.nameRange = nameRange
        self.rewrite = rewrite
        self.directlyRelatedUserTypes = directlyRelatedUserTypes
        self.source = source
    }
}

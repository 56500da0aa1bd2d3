/// OpenFGA's JSON form of an authorization model, both ways: ``encode(_:)`` gives the document OpenFGA's
/// `fga model transform` prints (equal as data), ``decode(_:)`` reads one back.
public enum ModelJSON {
    /// The JSON document for `model`.
    public static func encode(_ model: AuthorizationModel) -> JSONValue {
        var root: [(String, JSONValue)] = [("schema_version", .string(model.schemaVersion))]
        if !model.typeDefinitions.isEmpty {
            root.append(("type_definitions", .array(model.typeDefinitions.map(encodeType))))
        }
        if !model.conditions.isEmpty {
            root.append(
                ("conditions", .object(model.conditions.map { ($0.name, encodeCondition($0)) })))
        }
        return .object(root)
    }

    /// The JSON text for `model`, pretty-printed with a final newline.
    public static func encodeText(_ model: AuthorizationModel) -> String {
        encode(model).formatted() + "\n"
    }

    static func encodeType(_ type: TypeDefinition) -> JSONValue {
        let relations = JSONValue.object(type.relations.map { ($0.name, encodeRewrite($0.rewrite)) })
        var metadata: [(String, JSONValue)] = []
        if let source = type.source { metadata += sourceMembers(source) }
        if !type.relations.isEmpty {
            metadata.append(("relations", .object(type.relations.map { ($0.name, encodeRelationMetadata($0)) })))
        }
        return .object([
            ("type", .string(type.name)),
            ("relations", relations),
            ("metadata", metadata.isEmpty ? .null : .object(metadata)),
        ])
    }

    static func sourceMembers(_ source: ModuleSource) -> [(String, JSONValue)] {
        [("module", .string(source.module)), ("source_info", .object([("file", .string(source.file))]))]
    }

    static func encodeRelationMetadata(_ relation: RelationDefinition) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("directly_related_user_types", .array(relation.directlyRelatedUserTypes.map(encodeRestriction)))
        ]
        if let source = relation.source { members += sourceMembers(source) }
        return .object(members)
    }

    static func encodeRestriction(_ restriction: TypeRestriction) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string(restriction.type))]
        if let relation = restriction.relation { members.append(("relation", .string(relation))) }
        if restriction.wildcard { members.append(("wildcard", .object([]))) }
        if let condition = restriction.condition { members.append(("condition", .string(condition))) }
        return .object(members)
    }

    static func encodeRewrite(_ rewrite: Rewrite) -> JSONValue {
        switch rewrite {
        case .direct:
            return .object([("this", .object([]))])
        case .computedUserset(let relation, _):
            return .object([("computedUserset", .object([("relation", .string(relation))]))])
        case .tupleToUserset(let tupleset, let computed, _, _):
            return .object([
                (
                    "tupleToUserset",
                    .object([
                        ("computedUserset", .object([("relation", .string(computed))])),
                        ("tupleset", .object([("relation", .string(tupleset))])),
                    ])
                )
            ])
        case .union(let children):
            return .object([("union", .object([("child", .array(children.map(encodeRewrite)))]))])
        case .intersection(let children):
            return .object([("intersection", .object([("child", .array(children.map(encodeRewrite)))]))])
        case .exclusion(let base, let subtract):
            return .object([
                ("difference", .object([("base", encodeRewrite(base)), ("subtract", encodeRewrite(subtract))]))
            ])
        }
    }

    static func encodeCondition(_ condition: ConditionDefinition) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(condition.name)),
            ("expression", .string(condition.expression)),
            ("parameters", .object(condition.parameters.map { ($0.name, encodeParameterType($0.type)) })),
        ]
        if let source = condition.source { members.append(("metadata", .object(sourceMembers(source)))) }
        return .object(members)
    }

    static func encodeParameterType(_ type: ConditionParameterType) -> JSONValue {
        var members: [(String, JSONValue)] = [("type_name", .string(type.jsonTypeName))]
        if !type.genericTypes.isEmpty {
            members.append(("generic_types", .array(type.genericTypes.map(encodeParameterType))))
        }
        return .object(members)
    }
}

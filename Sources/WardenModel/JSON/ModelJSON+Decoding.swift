/// Reading OpenFGA's JSON model into the AST. Every structural problem names its JSON path.
extension ModelJSON {
    /// Reads a model from JSON text.
    /// - Throws: ``ModelError`` naming the JSON path (or line and column, for malformed JSON) of each problem.
    public static func decode(text: String, file: String? = nil) throws(ModelError) -> AuthorizationModel {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text, file: file)
        } catch {
            throw ModelError([error])
        }
        return try decode(value)
    }

    /// Reads a model from a parsed JSON document.
    /// - Throws: ``ModelError`` naming the JSON path of each problem.
    public static func decode(_ value: JSONValue) throws(ModelError) -> AuthorizationModel {
        var decoder = Decoder()
        let model = decoder.model(value)
        if !decoder.diagnostics.isEmpty { throw ModelError(decoder.diagnostics) }
        return model
    }

    /// Collects problems while reading; returns placeholders so one run reports as many as it can.
    struct Decoder {
        var diagnostics: [Diagnostic] = []
        static let maximumNesting = 200

        mutating func fail(_ path: String, _ message: String, kind: DiagnosticKind = .invalidJSON, symbol: String? = nil) {
            diagnostics.append(Diagnostic(kind: kind, message: "\(path): \(message)", symbol: symbol ?? path))
        }

        func members(_ value: JSONValue?) -> [(String, JSONValue)]? {
            if case .object(let members) = value { return members }
            return nil
        }

        mutating func string(_ value: JSONValue?, _ path: String, required: Bool = true) -> String? {
            switch value {
            case .string(let text): return text
            case nil, .null?:
                if required { fail(path, "is required") }
                return nil
            default:
                fail(path, "must be a string")
                return nil
            }
        }

        mutating func model(_ value: JSONValue) -> AuthorizationModel {
            guard case .object = value else {
                fail("$", "an authorization model must be a JSON object")
                return AuthorizationModel(schemaVersion: "")
            }
            let schema = string(value["schema_version"], "schema_version", required: false) ?? ""
            var types: [TypeDefinition] = []
            switch value["type_definitions"] {
            case .array(let elements)?:
                for (index, element) in elements.enumerated() {
                    types.append(typeDefinition(element, "type_definitions[\(index)]"))
                }
            case nil, .null?: break
            default: fail("type_definitions", "must be an array")
            }
            var conditions: [ConditionDefinition] = []
            switch value["conditions"] {
            case .object(let entries)?:
                for (key, entry) in entries { conditions.append(condition(entry, key: key)) }
            case nil, .null?: break
            default: fail("conditions", "must be an object")
            }
            return AuthorizationModel(schemaVersion: schema, typeDefinitions: types, conditions: conditions)
        }

        mutating func typeDefinition(_ value: JSONValue, _ path: String) -> TypeDefinition {
            let name = string(value["type"], "\(path).type") ?? ""
            let metadata = value["metadata"]
            let relationMetadata = members(metadata?["relations"]) ?? []
            var relations: [RelationDefinition] = []
            switch value["relations"] {
            case .object(let entries)?:
                for (relationName, rewriteValue) in entries {
                    let relationPath = "\(path).relations.\(relationName)"
                    let meta = relationMetadata.first { $0.0.bytesEqual(relationName) }?.1
                    var restrictions: [TypeRestriction] = []
                    if case .array(let list)? = meta?["directly_related_user_types"] {
                        for (index, element) in list.enumerated() {
                            restrictions.append(
                                restriction(element, "\(path).metadata.relations.\(relationName).directly_related_user_types[\(index)]"))
                        }
                    }
                    relations.append(
                        RelationDefinition(
                            name: relationName, rewrite: rewrite(rewriteValue, relationPath, depth: 0),
                            directlyRelatedUserTypes: restrictions, source: moduleSource(meta, "\(path).metadata.relations.\(relationName)")))
                }
            case nil, .null?: break
            default: fail("\(path).relations", "must be an object")
            }
            return TypeDefinition(name: name, relations: relations, source: moduleSource(metadata, "\(path).metadata"))
        }

        mutating func moduleSource(_ metadata: JSONValue?, _ path: String) -> ModuleSource? {
            guard let module = string(metadata?["module"], "\(path).module", required: false), !module.isEmpty
            else { return nil }
            let file = string(metadata?["source_info"]?["file"], "\(path).source_info.file", required: false) ?? ""
            return ModuleSource(module: module, file: file)
        }

        mutating func restriction(_ value: JSONValue, _ path: String) -> TypeRestriction {
            guard case .object = value else {
                fail(path, "a type restriction must be an object such as {\"type\": \"user\"}")
                return TypeRestriction(type: "")
            }
            let type = string(value["type"], "\(path).type") ?? ""
            let relation = string(value["relation"], "\(path).relation", required: false)
            let wildcard: Bool
            switch value["wildcard"] {
            case nil, .null?: wildcard = false
            case .object?: wildcard = true
            default:
                fail("\(path).wildcard", "must be an empty object {}")
                wildcard = false
            }
            if wildcard && relation != nil {
                fail(path, "a type restriction cannot be both a wildcard and a userset")
            }
            let condition = string(value["condition"], "\(path).condition", required: false).flatMap {
                $0.isEmpty ? nil : $0
            }
            return TypeRestriction(type: type, relation: relation?.isEmpty == true ? nil : relation, wildcard: wildcard, condition: condition)
        }

        mutating func relationName(_ value: JSONValue?, _ path: String) -> String {
            string(value?["relation"], "\(path).relation") ?? ""
        }

        mutating func rewrite(_ value: JSONValue, _ path: String, depth: Int) -> Rewrite {
            guard depth < Self.maximumNesting else {
                fail(path, "rewrites nest deeper than \(Self.maximumNesting) levels")
                return .direct(nil)
            }
            guard let entries = members(value), entries.count == 1, let (key, body) = entries.first else {
                fail(path, "a rewrite must be an object with exactly one of this, computedUserset, tupleToUserset, union, intersection, difference")
                return .direct(nil)
            }
            let here = "\(path).\(key)"
            switch key {
            case "this":
                return .direct(nil)
            case "computedUserset":
                return .computedUserset(relation: relationName(body, here), range: nil)
            case "tupleToUserset":
                return .tupleToUserset(
                    tupleset: relationName(body["tupleset"], "\(here).tupleset"),
                    computedRelation: relationName(body["computedUserset"], "\(here).computedUserset"),
                    range: nil, tuplesetRange: nil)
            case "union", "intersection":
                guard case .array(let list)? = body["child"], !list.isEmpty else {
                    fail("\(here).child", "must be a non-empty array")
                    return .direct(nil)
                }
                let children = list.enumerated().map { rewrite($1, "\(here).child[\($0)]", depth: depth + 1) }
                return key == "union" ? .union(children) : .intersection(children)
            case "difference":
                guard let base = body["base"], let subtract = body["subtract"] else {
                    fail(here, "needs both base and subtract")
                    return .direct(nil)
                }
                return .exclusion(
                    base: rewrite(base, "\(here).base", depth: depth + 1),
                    subtract: rewrite(subtract, "\(here).subtract", depth: depth + 1))
            default:
                fail(path, "unknown rewrite '\(key)': expected this, computedUserset, tupleToUserset, union, intersection or difference")
                return .direct(nil)
            }
        }

        mutating func condition(_ value: JSONValue, key: String) -> ConditionDefinition {
            let path = "conditions.\(key)"
            let name = string(value["name"], "\(path).name") ?? key
            if name != key {
                diagnostics.append(
                    Diagnostic(
                        kind: .differentNestedConditionName,
                        message: "condition key is `\(key)` but nested name property is \(name)", symbol: name))
            }
            let expression = string(value["expression"], "\(path).expression") ?? ""
            var parameters: [ConditionParameter] = []
            switch value["parameters"] {
            case .object(let entries)?:
                for (parameterName, typeValue) in entries {
                    parameters.append(
                        ConditionParameter(name: parameterName, type: parameterType(typeValue, "\(path).parameters.\(parameterName)")))
                }
            case nil, .null?: break
            default: fail("\(path).parameters", "must be an object")
            }
            return ConditionDefinition(
                name: key, parameters: parameters, expression: expression, source: moduleSource(value["metadata"], "\(path).metadata"))
        }

        mutating func parameterType(_ value: JSONValue, _ path: String) -> ConditionParameterType {
            let typeName = string(value["type_name"], "\(path).type_name") ?? ""
            let generics: [JSONValue]
            if case .array(let list)? = value["generic_types"] { generics = list } else { generics = [] }
            switch typeName {
            case "TYPE_NAME_LIST", "TYPE_NAME_MAP":
                guard generics.count == 1 else {
                    fail("\(path).generic_types", "\(typeName) needs exactly one generic type")
                    return .any
                }
                let element = parameterType(generics[0], "\(path).generic_types[0]")
                if case .list = element { fail(path, "a list or map cannot hold another list or map") }
                if case .map = element { fail(path, "a list or map cannot hold another list or map") }
                return typeName == "TYPE_NAME_LIST" ? .list(element) : .map(element)
            default:
                let scalarName = typeName.hasPrefix("TYPE_NAME_") ? String(typeName.dropFirst(10)).lowercased() : ""
                guard let scalar = ConditionParameterType.scalars[scalarName] else {
                    fail("\(path).type_name", "unknown parameter type '\(typeName)'")
                    return .any
                }
                return scalar
            }
        }
    }
}

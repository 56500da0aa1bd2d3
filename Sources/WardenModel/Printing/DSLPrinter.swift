/// Writes a model in OpenFGA's DSL, as `fga model transform` does: the text parses back to the same model.
public enum DSLPrinter {
    /// Why a model cannot be written in the DSL.
    public struct Unsupported: Error, Hashable, Sendable, CustomStringConvertible {
        public var typeName: String
        public var relationName: String
        public var description: String {
            "the '\(relationName)' relation definition under the '\(typeName)' type is not supported by the OpenFGA DSL syntax yet"
        }
    }

    /// The DSL text of `model`, ending with a newline.
    ///
    /// Conditions and their parameters print sorted by name, as OpenFGA prints them. A module's provenance is added as a comment
    /// on each type, relation and condition when `includeSourceInfo` is set.
    /// - Throws: ``Unsupported`` when a relation puts direct type restrictions where the DSL cannot write
    ///   them (after `but not`, or below another operand).
    public static func print(_ model: AuthorizationModel, includeSourceInfo: Bool = false) throws(Unsupported) -> String {
        var out = "model\n  schema \(model.schemaVersion)\n"
        for type in model.typeDefinitions {
            out += "\ntype \(type.name)"
            if includeSourceInfo, let source = type.source {
                out += " # module: \(source.module), file: \(source.file)"
            }
            out += "\n"
            guard !type.relations.isEmpty else { continue }
            out += "  relations\n"
            for relation in type.relations {
                var text = ""
                do {
                    text = try rewriteText(relation.rewrite, restrictions: relation.directlyRelatedUserTypes, directAllowed: true)
                } catch {
                    throw Unsupported(typeName: type.name, relationName: relation.name)
                }
                out += "    define \(relation.name): \(text)"
                if includeSourceInfo, let source = relation.source, source != type.source {
                    out += " # extended by: module: \(source.module), file: \(source.file)"
                }
                out += "\n"
            }
        }
        for condition in model.conditions.sorted(by: { $0.name < $1.name }) {
            let parameters = condition.parameters.sorted { $0.name < $1.name }.map { "\($0.name): \($0.type.dslName)" }.joined(separator: ", ")
            out += "\ncondition \(condition.name)(\(parameters)) {\n  \(condition.expression)\n}"
            if includeSourceInfo, let source = condition.source {
                out += " # module: \(source.module), file: \(source.file)"
            }
            out += "\n"
        }
        return out
    }

    struct Misplaced: Error {}

    /// The text of one rewrite. Direct restrictions may only lead a definition (or a leading group).
    static func rewriteText(_ rewrite: Rewrite, restrictions: [TypeRestriction], directAllowed: Bool) throws(Misplaced) -> String {
        switch rewrite {
        case .direct:
            guard directAllowed else { throw Misplaced() }
            return "[" + restrictions.map(\.text).joined(separator: ", ") + "]"
        case .computedUserset(let relation, _):
            return relation
        case .tupleToUserset(let tupleset, let computed, _, _):
            return "\(computed) from \(tupleset)"
        case .union(let children), .intersection(let children):
            // Union and intersection commute: a direct operand written later moves to the front.
            let ordered = children.filter(isDirect) + children.filter { !isDirect($0) }
            var parts: [String] = []
            for (index, child) in ordered.enumerated() {
                parts.append(
                    try operandText(child, restrictions: restrictions, directAllowed: directAllowed && index == 0))
            }
            let keyword = if case .union = rewrite { " or " } else { " and " }
            return parts.joined(separator: keyword)
        case .exclusion(let base, let subtract):
            let baseText = try operandText(base, restrictions: restrictions, directAllowed: directAllowed)
            let subtractText = try operandText(subtract, restrictions: restrictions, directAllowed: false)
            return "\(baseText) but not \(subtractText)"
        }
    }

    static func operandText(_ rewrite: Rewrite, restrictions: [TypeRestriction], directAllowed: Bool) throws(Misplaced) -> String {
        let text = try rewriteText(rewrite, restrictions: restrictions, directAllowed: directAllowed)
        return rewrite.isOperator ? "(\(text))" : text
    }

    static func isDirect(_ rewrite: Rewrite) -> Bool {
        if case .direct = rewrite { return true }
        return false
    }
}

/// Rule family 4: a type defined twice, a type restriction listed twice, an operand repeated under one operator.
///
/// Each is reported where the name first appears, as OpenFGA reports it. A duplicate type is an error (OpenFGA's
/// server refuses it); a repeated restriction or operand is a warning (the server runs the model).
extension ModelValidator.Collector {
    mutating func checkDuplicates() {
        var firstType: [ByteString: TypeDefinition] = [:]
        for type in model.typeDefinitions {
            if let first = firstType[ByteString(type.name)] {
                report(
                    .duplicatedError, "the type `\(type.name)` is a duplicate.", symbol: type.name,
                    at: first.nameRange)
            } else {
                firstType[ByteString(type.name)] = type
            }
            for relation in type.relations {
                checkDuplicateRestrictions(in: relation)
                checkDuplicateOperands(in: relation)
            }
        }
    }

    mutating func checkDuplicateRestrictions(in relation: RelationDefinition) {
        var first: [ByteString: TypeRestriction] = [:]
        for restriction in relation.directlyRelatedUserTypes {
            if let earlier = first[ByteString(restriction.text)] {
                report(
                    .duplicatedError,
                    "the type restriction `\(restriction.text)` is a duplicate in the relation `\(relation.name)`.",
                    symbol: restriction.text, at: earlier.range, severity: .warning)
            } else {
                first[ByteString(restriction.text)] = restriction
            }
        }
    }

    mutating func checkDuplicateOperands(in relation: RelationDefinition) {
        let operands: [Rewrite]
        switch relation.rewrite {
        case .union(let children), .intersection(let children): operands = children
        case .exclusion(let base, let subtract): operands = [base, subtract]
        default: return
        }
        var first: [ByteString: SourceRange?] = [:]
        for operand in operands {
            guard let name = Self.operandName(operand) else { continue }
            if let earlier = first[ByteString(name)] {
                report(
                    .duplicatedError,
                    "the partial relation definition `\(name)` is a duplicate in the relation `\(relation.name)`.",
                    symbol: name, at: earlier, severity: .warning)
            } else {
                first[ByteString(name)] = Self.operandRange(operand)
            }
        }
    }

    /// `viewer` or `viewer from parent` for leaf operands; nil for the rest.
    static func operandName(_ rewrite: Rewrite) -> String? {
        switch rewrite {
        case .computedUserset(let relation, _): relation
        case .tupleToUserset(let tupleset, let computed, _, _): "\(computed) from \(tupleset)"
        default: nil
        }
    }

    static func operandRange(_ rewrite: Rewrite) -> SourceRange? {
        switch rewrite {
        case .computedUserset(_, let range), .tupleToUserset(_, _, let range, _): range
        default: nil
        }
    }
}

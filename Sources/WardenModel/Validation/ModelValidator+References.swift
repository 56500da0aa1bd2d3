/// Rule family 3: everything a relation names must exist, and a tupleset must be a direct relation.
extension ModelValidator.Collector {
    mutating func checkReferences() {
        let conditionNames = Set(model.conditions.map { ByteString($0.name) })
        for type in model.typeDefinitions {
            // This definition's own relations: with a duplicated type name, each definition is checked alone.
            let own = Dictionary(type.relations.map { (ByteString($0.name), $0) }, uniquingKeysWith: { first, _ in first })
            for relation in type.relations {
                for leaf in Self.leaves(of: relation.rewrite) {
                    checkLeaf(leaf, of: relation, on: type, own: own, conditionNames: conditionNames)
                }
            }
        }
    }

    static func leaves(of rewrite: Rewrite) -> [Rewrite] {
        rewrite.isOperator ? rewrite.children.flatMap(leaves(of:)) : [rewrite]
    }

    mutating func checkLeaf(
        _ leaf: Rewrite, of relation: RelationDefinition, on type: TypeDefinition,
        own: [ByteString: RelationDefinition], conditionNames: Set<ByteString>
    ) {
        switch leaf {
        case .direct:
            if relation.directlyRelatedUserTypes.isEmpty {
                report(
                    .assignableRelationsMustHaveType,
                    "assignable relation '\(relation.name)' must have types", symbol: relation.name,
                    at: relation.nameRange)
            }
            for restriction in relation.directlyRelatedUserTypes {
                checkRestriction(restriction, conditionNames: conditionNames)
            }
        case .computedUserset(let target, let range):
            if own[ByteString(target)] == nil {
                report(
                    .missingDefinition, "the relation `\(target)` does not exist.", symbol: target, at: range)
            }
        case .tupleToUserset(let tupleset, let target, let range, let tuplesetRange):
            checkTupleToUserset(
                tupleset: tupleset, target: target, range: range, tuplesetRange: tuplesetRange, on: type,
                tuplesetRelation: own[ByteString(tupleset)])
        case .union, .intersection, .exclusion:
            preconditionFailure("leaves(of:) returns no operators")
        }
    }

    mutating func checkRestriction(_ restriction: TypeRestriction, conditionNames: Set<ByteString>) {
        if type(restriction.type) == nil {
            report(
                .invalidType, "`\(restriction.type)` is not a valid type.", symbol: restriction.type,
                at: restriction.range.map { Self.prefix($0, length: restriction.type.count) })
        }
        if let condition = restriction.condition, !conditionNames.contains(ByteString(condition)) {
            report(
                .conditionNotDefined, "`\(condition)` is not a defined condition in the model.",
                symbol: condition, at: restriction.conditionRange)
        }
        if let userset = restriction.relation, relation(userset, on: restriction.type) == nil {
            report(
                .invalidRelationType, "`\(userset)` is not a valid relation for `\(restriction.type)`.",
                symbol: restriction.userTypeText, at: restriction.range)
        }
    }

    mutating func checkTupleToUserset(
        tupleset: String, target: String, range: SourceRange?, tuplesetRange: SourceRange?, on type: TypeDefinition,
        tuplesetRelation: RelationDefinition?
    ) {
        let symbol = "\(target) from \(tupleset)"
        guard let tuplesetRelation else {
            report(
                .invalidRelationType, "`\(tupleset)` is not a valid relation for `\(type.name)`.", symbol: symbol,
                at: range)
            return
        }
        guard case .direct = tuplesetRelation.rewrite else {
            reportTuplesetNotDirect(tupleset, at: tuplesetRange)
            return
        }
        let parents = tuplesetRelation.directlyRelatedUserTypes
        var missing: [String] = []
        for parent in parents {
            if parent.wildcard || parent.relation != nil {
                reportTuplesetNotDirect(tupleset, at: tuplesetRange)
            } else if relation(target, on: parent.type) == nil {
                missing.append(parent.type)
            }
        }
        // One parent type that has the relation is enough, as in OpenFGA.
        guard !missing.isEmpty, missing.count == parents.count else { return }
        for parentType in missing {
            report(
                .invalidRelationOnTupleset,
                "the `\(target)` relation definition on type `\(type.name)` is not valid: `\(target)` does not "
                    + "exist on `\(tupleset)`, which is of type `\(parentType)`.",
                symbol: symbol, at: range)
        }
    }

    mutating func reportTuplesetNotDirect(_ tupleset: String, at range: SourceRange?) {
        report(
            .tuplesetNotDirect, "`\(tupleset)` relation used inside from allows only direct relation.",
            symbol: tupleset, at: range)
    }

    /// The first `length` characters of a one-line range.
    static func prefix(_ range: SourceRange, length: Int) -> SourceRange {
        var result = range
        result.end = SourcePosition(line: range.start.line, column: range.start.column + length)
        return result
    }
}

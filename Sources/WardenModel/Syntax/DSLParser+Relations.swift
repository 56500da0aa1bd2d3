/// The relation rules of the grammar: `relationDeclaration`, `relationDef`, `relationDefPartials`,
/// `relationRecurse`, `relationDefDirectAssignment` and `relationDefTypeRestriction`.
extension DSLParser {
    enum Operator: Equatable {
        case or, and, butNot

        var text: String {
            switch self {
            case .or: "or"
            case .and: "and"
            case .butNot: "but not"
            }
        }
    }

    /// `relationDeclaration: DEFINE WHITESPACE relationName WHITESPACE? COLON WHITESPACE? relationDef`
    mutating func parseRelationDeclaration() -> RelationDefinition? {
        _ = scanner.consumeKeyword("define")
        let errorsBefore = diagnostics.count
        guard requireSpaces(before: "the relation name") else { return nil }
        guard let name = readName(expecting: "a relation name after 'define'") else { return nil }
        scanner.skipSpaces()
        guard scanner.consume(":") else {
            unexpected(expecting: "':' after the relation name '\(name.name)'")
            return nil
        }
        scanner.skipSpaces()
        var directTypes: [TypeRestriction] = []
        guard let rewrite = parseRelationDef(allowDirect: true, depth: 0, directTypes: &directTypes),
            diagnostics.count == errorsBefore
        else { return nil }
        guard expectLineEnd(after: "the definition of '\(name.name)'") else { return nil }
        return RelationDefinition(
            name: name.name, nameRange: scanner.range(from: name.start, to: name.end),
            rewrite: rewrite, directlyRelatedUserTypes: directTypes)
    }

    /// `relationDef: (relationDefDirectAssignment | relationDefGrouping | relationRecurse) relationDefPartials?`
    ///
    /// `relationDefPartials` allows one operator per level: `a or b or c`, `a and b`, `a but not b`. Mixing
    /// them needs parentheses, as OpenFGA requires (the DSL has no precedence).
    mutating func parseRelationDef(allowDirect: Bool, depth: Int, directTypes: inout [TypeRestriction]) -> Rewrite? {
        guard depth < DSLParser.maximumNesting else {
            error(
                "parentheses nest deeper than \(DSLParser.maximumNesting) levels", at: scanner.offset, length: 1,
                symbol: "(")
            return nil
        }
        guard let first = parseOperand(allowDirect: allowDirect, depth: depth, directTypes: &directTypes) else {
            return nil
        }
        var children = [first]
        var level: Operator?
        while let next = peekOperator() {
            if let level, level != next.operator || level == .butNot {
                let message =
                    level == .butNot && next.operator == .butNot
                    ? "'but not' cannot be chained: group with parentheses, as in '(a but not b) but not c'"
                    : "'\(level.text)' and '\(next.operator.text)' cannot be mixed without parentheses: "
                        + "group them, as in '(a \(level.text) b) \(next.operator.text) c'"
                error(message, at: next.start, length: next.end - next.start, symbol: next.operator.text)
                return nil
            }
            level = next.operator
            scanner.move(to: next.end)
            guard requireSpaces(before: "the operand of '\(next.operator.text)'") else { return nil }
            guard let operand = parseOperand(allowDirect: false, depth: depth, directTypes: &directTypes) else {
                return nil
            }
            children.append(operand)
        }
        switch level {
        case nil: return first
        case .or: return .union(children)
        case .and: return .intersection(children)
        case .butNot: return .exclusion(base: children[0], subtract: children[1])
        }
    }

    /// An operator after at least one space: `or`, `and`, `but not`.
    func peekOperator() -> (operator: Operator, start: Int, end: Int)? {
        var lookahead = scanner
        guard Scanner.isSpace(lookahead.current) else { return nil }
        lookahead.skipSpaces()
        let start = lookahead.offset
        if lookahead.consumeKeyword("or") { return (.or, start, lookahead.offset) }
        if lookahead.consumeKeyword("and") { return (.and, start, lookahead.offset) }
        if lookahead.consumeKeyword("but") {
            guard Scanner.isSpace(lookahead.current) else { return nil }
            lookahead.skipSpaces()
            if lookahead.consumeKeyword("not") { return (.butNot, start, lookahead.offset) }
        }
        return nil
    }

    /// One operand: `[types]`, `( relationDef )`, `relation` or `relation from tupleset`.
    mutating func parseOperand(allowDirect: Bool, depth: Int, directTypes: inout [TypeRestriction]) -> Rewrite? {
        if scanner.current == UInt8(ascii: "[") {
            guard allowDirect else {
                unexpected(
                    expecting: "a relation name or '(': type restrictions [ … ] may only come first in a definition")
                return nil
            }
            return parseDirectAssignment(into: &directTypes)
        }
        if scanner.consume("(") {
            scanner.skipSpaces()
            guard let inner = parseRelationDef(allowDirect: allowDirect, depth: depth + 1, directTypes: &directTypes)
            else { return nil }
            scanner.skipSpaces()
            guard scanner.consume(")") else {
                unexpected(expecting: "')' or an operator ('or', 'and', 'but not')")
                return nil
            }
            return inner
        }
        guard let name = readName(expecting: "a relation name, '[' or '('") else { return nil }
        var lookahead = scanner
        lookahead.skipSpaces()
        if Scanner.isSpace(scanner.current), lookahead.consumeKeyword("from") {
            scanner = lookahead
            guard requireSpaces(before: "the tupleset relation after 'from'") else { return nil }
            guard let tupleset = readName(expecting: "a relation name after 'from'") else { return nil }
            return .tupleToUserset(
                tupleset: tupleset.name, computedRelation: name.name,
                range: scanner.range(from: name.start, to: tupleset.end),
                tuplesetRange: scanner.range(from: tupleset.start, to: tupleset.end))
        }
        return .computedUserset(relation: name.name, range: scanner.range(from: name.start, to: name.end))
    }

    /// `relationDefDirectAssignment: LBRACKET relationDefTypeRestriction (COMMA relationDefTypeRestriction)* RBRACKET`
    mutating func parseDirectAssignment(into directTypes: inout [TypeRestriction]) -> Rewrite? {
        let start = scanner.offset
        scanner.advance()  // [
        skipSpacesAndNewlines()
        if scanner.current == UInt8(ascii: "]") {
            error(
                "the type restriction list is empty: name at least one type, as in [user]", at: scanner.offset,
                length: 1, symbol: "]")
            return nil
        }
        while true {
            skipSpacesAndNewlines()
            guard let restriction = parseTypeRestriction() else { return nil }
            directTypes.append(restriction)
            skipSpacesAndNewlines()
            if scanner.consume(",") { continue }
            if scanner.consume("]") { break }
            unexpected(expecting: "',' or ']' in the type restriction list")
            return nil
        }
        return .direct(scanner.range(from: start, to: scanner.offset))
    }

    /// `relationDefTypeRestriction: type | type:* | type#relation, each optionally 'with' condition`
    mutating func parseTypeRestriction() -> TypeRestriction? {
        guard let type = readName(expecting: "a type name in the type restriction list") else { return nil }
        var restriction = TypeRestriction(type: type.name)
        if scanner.consume(":") {
            guard scanner.consume("*") else {
                unexpected(expecting: "'*' after '\(type.name):' (a wildcard is written '\(type.name):*')")
                return nil
            }
            restriction.wildcard = true
        } else if scanner.consume("#") {
            guard let relation = readName(expecting: "a relation name after '\(type.name)#'") else { return nil }
            restriction.relation = relation.name
        }
        restriction.range = scanner.range(from: type.start, to: scanner.offset)
        var lookahead = scanner
        lookahead.skipSpaces()
        if Scanner.isSpace(scanner.current), lookahead.consumeKeyword("with") {
            scanner = lookahead
            guard requireSpaces(before: "the condition name after 'with'") else { return nil }
            guard let condition = readName(expecting: "a condition name after 'with'") else { return nil }
            restriction.condition = condition.name
            restriction.conditionRange = scanner.range(from: condition.start, to: condition.end)
        }
        return restriction
    }

    mutating func skipSpacesAndNewlines() {
        while Scanner.isSpace(scanner.current) || Scanner.isNewline(scanner.current) { scanner.advance() }
    }
}

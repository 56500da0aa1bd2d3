/// The condition rules of the grammar: `condition`, `conditionParameter`, `parameterType` and
/// `conditionExpression`.
extension DSLParser {
    /// The scalar parameter types the DSL can write: OpenFGA's lexer has no `any` (JSON models may still use it).
    static let parameterScalars = ConditionParameterType.scalars.filter { $0.key != "any" }

    /// `condition: CONDITION WHITESPACE conditionName WHITESPACE? LPAREN conditionParameter (COMMA conditionParameter)*
    /// RPAREN WHITESPACE? LBRACE conditionExpression RBRACE`
    mutating func parseCondition() -> ConditionDefinition? {
        _ = scanner.consumeKeyword("condition")
        guard requireSpaces(before: "the condition name"),
            let name = readName(expecting: "a condition name after 'condition'", reserved: DSLParser.conditionHeadKeywords)
        else {
            if diagnostics.last.map({ $0.range?.start.line }) != scanner.position(at: scanner.offset).line {
                unexpected(expecting: "a condition name after 'condition'")
            }
            skipPastConditionBody()
            return nil
        }
        scanner.skipSpaces()
        guard scanner.consume("(") else {
            unexpected(expecting: "'(' and the parameters of condition '\(name.name)'")
            skipPastConditionBody()
            return nil
        }
        var parameters: [ConditionParameter] = []
        while true {
            skipSpacesAndNewlines()
            guard let parameter = parseConditionParameter() else {
                skipPastConditionBody()
                return nil
            }
            parameters.append(parameter)
            skipSpacesAndNewlines()
            if scanner.consume(",") { continue }
            if scanner.consume(")") { break }
            unexpected(expecting: "',' or ')' after a parameter of condition '\(name.name)'")
            skipPastConditionBody()
            return nil
        }
        scanner.skipSpaces()
        let braceStart = scanner.offset
        guard scanner.consume("{") else {
            unexpected(expecting: "'{' and the expression of condition '\(name.name)'")
            skipPastConditionBody()
            return nil
        }
        guard let body = scanConditionBody() else {
            error(
                "the body of condition '\(name.name)' is not closed: expected '}'", at: braceStart, length: 1,
                symbol: "{")
            scanner.move(to: scanner.bytes.count)
            return nil
        }
        guard let expression = trimmedSpan(body.start, body.end) else {
            error(
                "condition '\(name.name)' has an empty expression", at: braceStart, length: body.end + 1 - braceStart,
                symbol: "{}")
            return nil
        }
        _ = expectLineEnd(after: "the closing '}' of condition '\(name.name)'")
        return ConditionDefinition(
            name: name.name, nameRange: scanner.range(from: name.start, to: name.end), parameters: parameters,
            expression: scanner.text(from: expression.start, to: expression.end),
            expressionRange: scanner.range(from: expression.start, to: expression.end))
    }

    /// `conditionParameter: parameterName WHITESPACE? COLON WHITESPACE? parameterType`
    mutating func parseConditionParameter() -> ConditionParameter? {
        guard let name = readName(expecting: "a parameter name, as in 'name: string'", reserved: DSLParser.conditionHeadKeywords)
        else { return nil }
        scanner.skipSpaces()
        guard scanner.consume(":") else {
            unexpected(expecting: "':' and the type of parameter '\(name.name)'")
            return nil
        }
        scanner.skipSpaces()
        guard let type = parseParameterType(parameter: name.name) else { return nil }
        return ConditionParameter(name: name.name, type: type, range: scanner.range(from: name.start, to: name.end))
    }

    /// `parameterType: CONDITION_PARAM_TYPE | CONDITION_PARAM_CONTAINER '<' CONDITION_PARAM_TYPE '>'`
    mutating func parseParameterType(parameter: String) -> ConditionParameterType? {
        let expected = "a parameter type (bool, string, int, uint, double, duration, timestamp, ipaddress, "
            + "list<T> or map<T>)"
        let start = scanner.offset
        guard let word = scanner.identifier() else {
            unexpected(expecting: expected)
            return nil
        }
        if word.name == "list" || word.name == "map" {
            guard scanner.consume("<") else {
                unexpected(expecting: "'<' and an element type: '\(word.name)' needs one, as in \(word.name)<string>")
                return nil
            }
            let elementStart = scanner.offset
            guard let element = scanner.identifier(), let scalar = DSLParser.parameterScalars[element.name] else {
                scanner.move(to: elementStart)
                unexpected(expecting: "a scalar element type for \(word.name)<…>: bool, string, int, uint, double, "
                    + "duration, timestamp or ipaddress")
                return nil
            }
            guard scanner.consume(">") else {
                unexpected(expecting: "'>' to close \(word.name)<\(element.name)")
                return nil
            }
            return word.name == "list" ? .list(scalar) : .map(scalar)
        }
        guard let scalar = DSLParser.parameterScalars[word.name] else {
            scanner.move(to: start)
            unexpected(expecting: expected + " for parameter '\(parameter)'")
            return nil
        }
        return scalar
    }

    /// Scans from after `{` to the matching `}`, skipping braces inside CEL string literals and nested map
    /// literals. Returns the body's span and leaves the cursor after the `}`; nil when it is never closed.
    mutating func scanConditionBody() -> (start: Int, end: Int)? {
        let start = scanner.offset
        var depth = 0
        var quote: UInt8?
        while let byte = scanner.current {
            if let open = quote {
                if byte == UInt8(ascii: "\\") {
                    scanner.advance(2)
                    continue
                }
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                if depth == 0 {
                    let end = scanner.offset
                    scanner.advance()
                    return (start, end)
                }
                depth -= 1
            }
            scanner.advance()
        }
        return nil
    }

    /// The span without leading and trailing whitespace; nil when nothing is left.
    func trimmedSpan(_ start: Int, _ end: Int) -> (start: Int, end: Int)? {
        var first = start
        var last = end
        while first < last, Scanner.isSpace(scanner.bytes[first]) || Scanner.isNewline(scanner.bytes[first]) {
            first += 1
        }
        while last > first, Scanner.isSpace(scanner.bytes[last - 1]) || Scanner.isNewline(scanner.bytes[last - 1]) {
            last -= 1
        }
        return first < last ? (first, last) : nil
    }

    /// Recovery after a broken condition header: skip its body when one follows, else the line.
    mutating func skipPastConditionBody() {
        var lookahead = scanner
        while let byte = lookahead.current, byte != UInt8(ascii: "{") {
            if Scanner.isNewline(byte) {
                var next = lookahead
                next.skipBlankLines()
                if next.isAtKeyword("type") || next.isAtKeyword("condition") || next.isAtKeyword("extend") {
                    scanner = next
                    return
                }
            }
            lookahead.advance()
        }
        guard lookahead.current == UInt8(ascii: "{") else {
            scanner.move(to: scanner.bytes.count)
            return
        }
        lookahead.advance()
        scanner = lookahead
        if scanConditionBody() == nil { scanner.move(to: scanner.bytes.count) }
    }
}

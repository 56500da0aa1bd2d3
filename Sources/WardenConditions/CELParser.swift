/// Recursive descent over CEL's grammar (conditional → or → and → relation → addition → multiplication →
/// unary → member → primary), one function per rule. Depth is capped so hostile input cannot exhaust the stack.
struct CELParser {
    private var tokens: [CELToken]
    private var index = 0
    private var depth = 0
    private static let maximumDepth = 100

    static func parse(_ text: String) throws(ConditionError) -> CELExpression {
        var parser = CELParser(tokens: try CELLexer.tokens(text))
        let expression = try parser.conditional()
        guard case .end = parser.current.kind else {
            throw ConditionError(.syntax, "unexpected \(parser.describe(parser.current))", offset: parser.current.offset)
        }
        return expression
    }

    private init(tokens: [CELToken]) {
        self.tokens = tokens
    }

    private var current: CELToken { tokens[index] }

    private func describe(_ token: CELToken) -> String {
        switch token.kind {
        case .identifier(let name): "'\(name)'"
        case .literal: "literal"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "end of expression"
        }
    }

    private mutating func accept(_ symbol: String) -> Bool {
        if case .symbol(symbol) = current.kind {
            index += 1
            return true
        }
        return false
    }

    private mutating func expect(_ symbol: String) throws(ConditionError) {
        guard accept(symbol) else {
            throw ConditionError(.syntax, "expected '\(symbol)', found \(describe(current))", offset: current.offset)
        }
    }

    private mutating func nested<T>(_ body: (inout CELParser) throws(ConditionError) -> T) throws(ConditionError) -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw ConditionError(.syntax, "the expression is nested more than \(Self.maximumDepth) deep", offset: current.offset)
        }
        return try body(&self)
    }

    private mutating func conditional() throws(ConditionError) -> CELExpression {
        try nested { parser throws(ConditionError) in
            let condition = try parser.or()
            guard parser.accept("?") else { return condition }
            let then = try parser.or()
            try parser.expect(":")
            return .conditional(condition, then, try parser.conditional())
        }
    }

    private mutating func or() throws(ConditionError) -> CELExpression {
        var left = try and()
        while case .symbol("||") = current.kind {
            let offset = current.offset
            index += 1
            left = .binary(.or, left, try and(), offset: offset)
        }
        return left
    }

    private mutating func and() throws(ConditionError) -> CELExpression {
        var left = try relation()
        while case .symbol("&&") = current.kind {
            let offset = current.offset
            index += 1
            left = .binary(.and, left, try relation(), offset: offset)
        }
        return left
    }

    private mutating func relation() throws(ConditionError) -> CELExpression {
        var left = try addition()
        while case .symbol(let symbol) = current.kind, ["==", "!=", "<", "<=", ">", ">=", "in"].contains(symbol) {
            let offset = current.offset
            index += 1
            left = .binary(CELOperator(rawValue: symbol)!, left, try addition(), offset: offset)
        }
        return left
    }

    private mutating func addition() throws(ConditionError) -> CELExpression {
        var left = try multiplication()
        while case .symbol(let symbol) = current.kind, symbol == "+" || symbol == "-" {
            let offset = current.offset
            index += 1
            left = .binary(CELOperator(rawValue: symbol)!, left, try multiplication(), offset: offset)
        }
        return left
    }

    private mutating func multiplication() throws(ConditionError) -> CELExpression {
        var left = try unary()
        while case .symbol(let symbol) = current.kind, symbol == "*" || symbol == "/" || symbol == "%" {
            let offset = current.offset
            index += 1
            left = .binary(CELOperator(rawValue: symbol)!, left, try unary(), offset: offset)
        }
        return left
    }

    private mutating func unary() throws(ConditionError) -> CELExpression {
        try nested { parser throws(ConditionError) in
            if parser.accept("!") { return .unary("!", try parser.unary()) }
            if parser.accept("-") {
                // Fold `-9223372036854775808` and other negative literals, as CEL does.
                if case .literal(.int(let value)) = parser.current.kind {
                    parser.index += 1
                    return try parser.member(.literal(.int(-value)))
                }
                if case .literal(.double(let value)) = parser.current.kind {
                    parser.index += 1
                    return try parser.member(.literal(.double(-value)))
                }
                return .unary("-", try parser.unary())
            }
            return try parser.member(try parser.primary())
        }
    }

    private mutating func member(_ base: CELExpression) throws(ConditionError) -> CELExpression {
        var expression = base
        while true {
            if accept(".") {
                let offset = current.offset
                guard case .identifier(let name) = current.kind else {
                    throw ConditionError(.syntax, "expected a field or method name after '.'", offset: offset)
                }
                index += 1
                if accept("(") {
                    expression = .call(name, target: expression, arguments: try arguments(closing: ")"), offset: offset)
                } else {
                    expression = .select(expression, name)
                }
            } else if accept("[") {
                let key = try conditional()
                try expect("]")
                expression = .index(expression, key)
            } else {
                return expression
            }
        }
    }

    private mutating func arguments(closing: String) throws(ConditionError) -> [CELExpression] {
        var values: [CELExpression] = []
        if accept(closing) { return values }
        repeat {
            values.append(try conditional())
        } while accept(",")
        try expect(closing)
        return values
    }

    private mutating func primary() throws(ConditionError) -> CELExpression {
        let token = current
        switch token.kind {
        case .literal(let value):
            index += 1
            return .literal(value)
        case .identifier(let name):
            index += 1
            if accept("(") { return .call(name, target: nil, arguments: try arguments(closing: ")"), offset: token.offset) }
            return .identifier(name, offset: token.offset)
        case .symbol("("):
            index += 1
            let inner = try conditional()
            try expect(")")
            return inner
        case .symbol("["):
            index += 1
            return .list(try arguments(closing: "]"))
        case .symbol("{"):
            index += 1
            var entries: [(CELExpression, CELExpression)] = []
            if !accept("}") {
                repeat {
                    let key = try conditional()
                    try expect(":")
                    entries.append((key, try conditional()))
                } while accept(",")
                try expect("}")
            }
            return .map(entries)
        default:
            throw ConditionError(.syntax, "unexpected \(describe(token))", offset: token.offset)
        }
    }
}

/// Reads OpenFGA's model language (schema 1.1, and schema 1.2 module files) into an AST.
///
/// A hand-written recursive-descent parser over a line-aware ``Scanner``; each `parse…` function implements
/// the rule of OpenFGA's `OpenFGAParser.g4` its comment names. It never traps on input: every problem becomes
/// a ``Diagnostic`` with a line and column, and parsing resumes at the next line so one run reports as much
/// as it can.
public struct DSLParser {
    var scanner: Scanner
    var diagnostics: [Diagnostic] = []
    /// Guards against pathological nesting: `(((…)))` deeper than this is an error, not a stack overflow.
    static let maximumNesting = 200

    init(text: String, file: String?) {
        scanner = Scanner(text, file: file)
    }

    /// Parses a model file (`model` / `schema 1.1`) into an authorization model.
    ///
    /// Checks syntax and the structural rules the parser enforces (duplicate relations, conditions and
    /// parameters); ``ModelValidator`` checks the rest.
    /// - Throws: ``ModelError`` with every problem found, each located.
    public static func parseModel(_ text: String, file: String? = nil) throws(ModelError) -> AuthorizationModel {
        let parsed = try parseFile(text, file: file)
        switch parsed.header {
        case .model(let schemaVersion, let range):
            if let ext = parsed.extensions.first {
                throw ModelError([
                    Diagnostic(
                        kind: .syntaxError, message: "extend can only be used in a modular model",
                        symbol: ext.typeName, range: ext.nameRange)
                ])
            }
            return AuthorizationModel(
                schemaVersion: schemaVersion, schemaRange: range,
                typeDefinitions: parsed.typeDefinitions, conditions: parsed.conditions)
        case .module(let name, let range):
            throw ModelError([
                Diagnostic(
                    kind: .schemaVersionRequired,
                    message: "schema version required: '\(name)' is a module file; combine it through an fga.mod manifest",
                    symbol: name,
                    range: range.map { SourceRange(file: $0.file, start: SourcePosition(line: 0, column: 0), end: SourcePosition(line: 0, column: 0)) })
            ])
        }
    }

    /// Parses one DSL file, model or module, without combining or validating it.
    /// - Throws: ``ModelError`` with every syntax problem found.
    public static func parseFile(_ text: String, file: String? = nil) throws(ModelError) -> DSLFile {
        var parser = DSLParser(text: text, file: file)
        let parsed = parser.parseMain()
        parser.checkDuplicates(parsed)
        if !parser.diagnostics.isEmpty { throw ModelError(parser.diagnostics) }
        guard let parsed else { throw ModelError([Diagnostic(kind: .syntaxError, message: "the file is empty")]) }
        return parsed
    }

    // MARK: main

    /// `main: (modelHeader | moduleHeader) typeDefs conditions EOF` — types, extensions and conditions may
    /// appear in any order after the header.
    mutating func parseMain() -> DSLFile? {
        scanner.skipBlankLines()
        if scanner.isAtEnd {
            error("the model is empty: expected a 'model' header (or 'module NAME')", at: scanner.offset, length: 0)
            return nil
        }
        guard let header = parseHeader() else { return nil }
        var file = DSLFile(header: header, typeDefinitions: [], extensions: [], conditions: [])
        while true {
            scanner.skipBlankLines()
            if scanner.isAtEnd { break }
            let lineStart = scanner.offset
            if scanner.isAtKeyword("type") {
                if let type = parseTypeDef() { file.typeDefinitions.append(type) }
            } else if scanner.isAtKeyword("extend") {
                if let ext = parseExtendTypeDef() { file.extensions.append(ext) }
            } else if scanner.isAtKeyword("condition") {
                if let condition = parseCondition() { file.conditions.append(condition) }
            } else if scanner.isAtKeyword("define") {
                unexpected(expecting: "'relations' before the first 'define' of a type")
                skipLine()
            } else if scanner.isAtKeyword("module") || scanner.isAtKeyword("model") {
                unexpected(expecting: "'type', 'extend type' or 'condition'; a file has one header")
                skipLine()
            } else {
                unexpected(expecting: "'type' or 'condition'")
                skipLine()
            }
            if scanner.offset == lineStart { skipLine() }  // always make progress
        }
        return file
    }

    /// `modelHeader: MODEL NEWLINE SCHEMA WHITESPACE SCHEMA_VERSION` and
    /// `moduleHeader: MODULE WHITESPACE identifier`.
    mutating func parseHeader() -> DSLFile.Header? {
        if scanner.consumeKeyword("model") {
            guard expectLineEnd(after: "'model'") else { return nil }
            scanner.skipBlankLines()
            guard scanner.consumeKeyword("schema") else {
                unexpected(expecting: "'schema' (as in 'schema 1.1') on the line after 'model'")
                return nil
            }
            guard requireSpaces(before: "the schema version") else { return nil }
            let start = scanner.offset
            let version = scanner.word()
            guard isSchemaVersion(version.text) else {
                unexpected(expecting: "a schema version such as 1.1")
                return nil
            }
            scanner.move(to: version.end)
            let range = scanner.range(from: start, to: version.end)
            guard expectLineEnd(after: "the schema version") else { return nil }
            return .model(schemaVersion: version.text, range: range)
        }
        if scanner.consumeKeyword("module") {
            guard requireSpaces(before: "the module name"), let name = scanner.identifier() else {
                if diagnostics.isEmpty { unexpected(expecting: "a module name after 'module'") }
                return nil
            }
            guard expectLineEnd(after: "the module name") else { return nil }
            return .module(name: name.name, range: scanner.range(from: name.start, to: name.end))
        }
        unexpected(expecting: "a 'model' header (a line 'model', then 'schema 1.1') or 'module NAME'")
        return nil
    }

    func isSchemaVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    // MARK: typeDef

    /// `typeDef: TYPE WHITESPACE identifier (NEWLINE RELATIONS relationDeclaration+)?`
    mutating func parseTypeDef() -> TypeDefinition? {
        _ = scanner.consumeKeyword("type")
        guard let name = parseDeclaredName(what: "type name", after: "'type'") else {
            skipLine()
            return nil
        }
        let relations = parseRelationsBlock(typeName: name.name)
        return TypeDefinition(name: name.name, nameRange: name.range, relations: relations)
    }

    /// `EXTEND WHITESPACE TYPE WHITESPACE identifier (NEWLINE RELATIONS relationDeclaration+)?`
    mutating func parseExtendTypeDef() -> DSLFile.TypeExtension? {
        _ = scanner.consumeKeyword("extend")
        guard requireSpaces(before: "'type'"), scanner.consumeKeyword("type") else {
            if diagnostics.last?.range?.start.line != scanner.position(at: scanner.offset).line {
                unexpected(expecting: "'type' after 'extend'")
            }
            skipLine()
            return nil
        }
        guard let name = parseDeclaredName(what: "type name", after: "'extend type'") else {
            skipLine()
            return nil
        }
        let relations = parseRelationsBlock(typeName: name.name)
        return DSLFile.TypeExtension(typeName: name.name, nameRange: name.range, relations: relations)
    }

    /// Words OpenFGA's lexer reads as keywords wherever a type, relation or condition is named: they are no names.
    static let keywords: Set<String> = [
        "and", "or", "from", "define", "relations", "with", "in", "true", "false", "null", "condition",
    ]
    /// Words OpenFGA's lexer reads as keywords inside a condition's head: no condition or parameter is named so.
    static let conditionHeadKeywords: Set<String> = [
        "map", "list", "bool", "string", "int", "uint", "double", "duration", "timestamp", "ipaddress",
    ]

    /// Reads a name; a missing name, or a keyword where a name belongs, is reported as expecting `expected`.
    mutating func readName(expecting expected: String, reserved: Set<String> = DSLParser.keywords)
        -> (name: String, start: Int, end: Int)?
    {
        let start = scanner.offset
        guard let word = scanner.identifier() else {
            unexpected(expecting: expected)
            return nil
        }
        guard !reserved.contains(word.name) else {
            scanner.move(to: start)
            unexpected(expecting: expected + " ('\(word.name)' is a keyword)")
            return nil
        }
        return word
    }

    /// A name after a keyword, then the end of the line.
    mutating func parseDeclaredName(what: String, after keyword: String) -> (name: String, range: SourceRange)? {
        guard requireSpaces(before: "the \(what)") else { return nil }
        guard let name = readName(expecting: "a \(what) after \(keyword)") else { return nil }
        guard expectLineEnd(after: "the \(what)") else { return nil }
        return (name.name, scanner.range(from: name.start, to: name.end))
    }

    /// `NEWLINE RELATIONS relationDeclaration+`, when the next line starts with `relations`.
    mutating func parseRelationsBlock(typeName: String) -> [RelationDefinition] {
        var lookahead = scanner
        lookahead.skipBlankLines()
        if lookahead.isAtKeyword("define") {
            scanner = lookahead
            unexpected(expecting: "a 'relations' line before the first 'define' of type '\(typeName)'")
            skipDefineLines()
            return []
        }
        guard lookahead.isAtKeyword("relations") else { return [] }
        scanner = lookahead
        _ = scanner.consumeKeyword("relations")
        guard expectLineEnd(after: "'relations'") else {
            skipLine()
            return []
        }
        var relations: [RelationDefinition] = []
        while true {
            var next = scanner
            next.skipBlankLines()
            guard next.isAtKeyword("define") else { break }
            scanner = next
            if let relation = parseRelationDeclaration() { relations.append(relation) } else { skipLine() }
        }
        if relations.isEmpty {
            scanner.skipBlankLines()
            unexpected(expecting: "at least one 'define' line after 'relations' in type '\(typeName)'")
        }
        return relations
    }

    mutating func skipDefineLines() {
        skipLine()
        while true {
            var next = scanner
            next.skipBlankLines()
            guard next.isAtKeyword("define") else { return }
            scanner = next
            skipLine()
        }
    }

    // MARK: Errors and helpers

    mutating func error(_ message: String, at start: Int, length: Int, symbol: String? = nil) {
        let end = min(start + length, scanner.bytes.count)
        diagnostics.append(
            Diagnostic(kind: .syntaxError, message: message, symbol: symbol, range: scanner.range(from: start, to: end)))
    }

    /// Reports the word at the cursor as unexpected.
    mutating func unexpected(expecting expected: String) {
        if scanner.isAtEnd {
            error("unexpected end of file: expected \(expected)", at: scanner.offset, length: 0, symbol: "<EOF>")
            return
        }
        if Scanner.isNewline(scanner.current) {
            error("unexpected end of line: expected \(expected)", at: scanner.offset, length: 1, symbol: "\\n")
            return
        }
        var word = scanner.word()
        if word.text.count > 40 { word.text = String(word.text.prefix(40)) + "…" }
        let shown = word.text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : $0.escaped(asASCII: true) }.joined()
        error("unexpected '\(shown)': expected \(expected)", at: word.start, length: word.end - word.start, symbol: word.text)
    }

    /// Requires at least one space or tab.
    mutating func requireSpaces(before what: String) -> Bool {
        guard Scanner.isSpace(scanner.current) else {
            unexpected(expecting: "a space before \(what)")
            return false
        }
        scanner.skipSpaces()
        return true
    }

    /// Requires the rest of the line to be blank or a comment, and moves past its newline.
    mutating func expectLineEnd(after what: String) -> Bool {
        scanner.skipLineTrivia()
        if scanner.isAtEnd { return true }
        guard Scanner.isNewline(scanner.current) else {
            unexpected(expecting: "the end of the line after \(what)")
            return false
        }
        scanner.advance()
        return true
    }

    /// Moves past the end of the current line.
    mutating func skipLine() {
        while let byte = scanner.current, !Scanner.isNewline(byte) { scanner.advance() }
        scanner.advance()
    }

    // MARK: Structural checks

    /// Duplicate relations in a type, duplicate conditions and parameters, types extended twice in a file.
    mutating func checkDuplicates(_ file: DSLFile?) {
        guard let file else { return }
        for type in file.typeDefinitions {
            checkDuplicateRelations(type.relations, in: type.name)
        }
        var extended: Set<String> = []
        for ext in file.extensions {
            checkDuplicateRelations(ext.relations, in: ext.typeName)
            if !extended.insert(ext.typeName).inserted {
                diagnostics.append(
                    Diagnostic(
                        kind: .duplicatedError, message: "'\(ext.typeName)' is already extended in file.",
                        symbol: ext.typeName, range: ext.nameRange))
            }
        }
        var conditionNames: Set<String> = []
        for condition in file.conditions {
            if !conditionNames.insert(condition.name).inserted {
                diagnostics.append(
                    Diagnostic(
                        kind: .duplicatedError,
                        message: "condition '\(condition.name)' is already defined in the model",
                        symbol: condition.name, range: condition.nameRange))
            }
            var parameterNames: Set<String> = []
            for parameter in condition.parameters where !parameterNames.insert(parameter.name).inserted {
                diagnostics.append(
                    Diagnostic(
                        kind: .duplicatedError,
                        message: "parameter '\(parameter.name)' is already defined in the condition '\(condition.name)'",
                        symbol: parameter.name, range: parameter.range))
            }
        }
    }

    mutating func checkDuplicateRelations(_ relations: [RelationDefinition], in typeName: String) {
        var seen: Set<String> = []
        for relation in relations where !seen.insert(relation.name).inserted {
            diagnostics.append(
                Diagnostic(
                    kind: .duplicatedError, message: "'\(relation.name)' is already defined in '\(typeName)'",
                    symbol: relation.name, range: relation.nameRange))
        }
    }
}

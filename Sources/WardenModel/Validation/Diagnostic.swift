/// What kind of problem a ``Diagnostic`` reports. Raw values are OpenFGA's kebab-case `errorType`s.
public enum DiagnosticKind: String, Hashable, Sendable, CaseIterable {
    /// The text does not follow the DSL grammar.
    case syntaxError = "syntax-error"
    case reservedTypeKeywords = "reserved-type-keywords"
    case reservedRelationKeywords = "reserved-relation-keywords"
    case invalidName = "invalid-name"
    case invalidSchema = "invalid-schema"
    case schemaVersionRequired = "schema-version-required"
    case duplicatedError = "duplicated-error"
    case missingDefinition = "missing-definition"
    case invalidType = "invalid-type"
    case invalidRelationType = "invalid-relation-type"
    case invalidRelationOnTupleset = "invalid-relation-on-tupleset"
    case tuplesetNotDirect = "tupleuserset-not-direct"
    case relationNoEntryPoint = "relation-no-entry-point"
    case conditionNotDefined = "condition-not-defined"
    case conditionNotUsed = "condition-not-used"
    /// A condition's CEL expression does not parse or names an undeclared parameter (Warden checks this when the
    /// model is loaded; OpenFGA only when the model is written to a server).
    case invalidConditionExpression = "invalid-condition-expression"
    case differentNestedConditionName = "different-nested-condition-name"
    case assignableRelationsMustHaveType = "assignable-relation-must-have-type"
    case multipleModulesInFile = "multiple-modules-in-file"
    /// Relations whose computed usersets lead back to themselves with no tuple in between (OpenFGA's server refuses
    /// the model: "an authorization model cannot contain a cycle").
    case relationCycle = "relation-cycle"
    /// A module file or `fga.mod` manifest problem (schema 1.2).
    case moduleError = "module-error"
    /// A JSON document that is not an OpenFGA model.
    case invalidJSON = "invalid-json"
    /// A file that cannot be read, or is not UTF-8 text.
    case unreadableFile = "unreadable-file"
}

/// Whether a problem makes OpenFGA refuse the model, or only its language tooling remarks on it.
public enum DiagnosticSeverity: String, Hashable, Sendable {
    /// OpenFGA's server (and so `fga model validate`, `fga model test`) refuses the model.
    case error
    /// OpenFGA's language package reports it, but its server accepts and runs the model (a repeated operand, an
    /// unused condition, an over-long name): Warden accepts the model too, and `model validate --strict` refuses it.
    case warning
}

/// One located problem in a model: what is wrong, in a sentence, and where.
///
/// `description` prints compiler style, 1-based: `model.fga:7:24: error: relation 'owner' is not defined …`.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// OpenFGA's error type.
    public var kind: DiagnosticKind
    /// Whether the model is refused for it.
    public var severity: DiagnosticSeverity
    /// A sentence saying what is wrong.
    public var message: String
    /// The offending text, when there is one.
    public var symbol: String?
    /// Where the offending text is (0-based, end-exclusive); nil for models read from JSON.
    public var range: SourceRange?

    public init(
        kind: DiagnosticKind, message: String, symbol: String? = nil, range: SourceRange? = nil,
        severity: DiagnosticSeverity = .error
    ) {
        self.kind = kind
        self.severity = severity
        self.message = message
        self.symbol = symbol
        self.range = range
    }

    public var description: String {
        guard let range else { return "\(severity.rawValue): \(message)" }
        let file = range.file.map { "\($0):" } ?? ""
        return "\(file)\(range.start.line + 1):\(range.start.column + 1): \(severity.rawValue): \(message)"
    }
}

/// Every problem found in one model, sorted by position; thrown by parsing and validation.
public struct ModelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems, sorted by position (unlocated ones last).
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { lhs, rhs in
            switch (lhs.range, rhs.range) {
            case let (l?, r?): (l.file ?? "", l.start) < (r.file ?? "", r.start)
            case (.some, nil): true
            default: false
            }
        }
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

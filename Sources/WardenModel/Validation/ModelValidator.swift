/// Checks an authorization model against OpenFGA's semantic rules and reports every problem, located.
///
/// The rules run in OpenFGA's order, and a later family runs only when the earlier ones found nothing, as
/// OpenFGA does (a missing relation would otherwise also be reported as a missing entry point):
/// 1. names: reserved words (`self`, `this`) and the naming rules;
/// 2. the schema version;
/// 3. references: types, relations and conditions that must exist, tuplesets that must be direct;
/// 4. duplicates: types (an error), type restrictions and operands of one operator (warnings);
/// 5. entry points: every relation can be reached from some tuple, and no relation only loops back on itself;
/// 6. cycles of computed usersets with no tuple in between (OpenFGA's server's `HasCycle`);
/// 7. conditions that no type restriction uses (a warning).
///
/// Acceptance follows OpenFGA's server, not its language package: what the server runs anyway (repeated operands
/// or type restrictions, unused conditions, names past the naming rule's length) is a ``DiagnosticSeverity/warning``.
public struct ModelValidator: Sendable {
    /// The naming rule for types (OpenFGA's default).
    public static let typeNameRule = #"^[^:#@\*\s]{1,254}$"#
    /// The naming rule for relations (OpenFGA's default).
    public static let relationNameRule = #"^[^:#@\*\s]{1,50}$"#
    /// The schema versions Warden reads.
    public static let supportedSchemaVersions: Set<String> = ["1.1", "1.2"]

    public init() {}

    /// Validates `model` as OpenFGA's server does: warnings pass unless `strict`.
    /// - Throws: ``ModelError`` listing every problem (warnings included), sorted by position.
    public func validate(_ model: AuthorizationModel, strict: Bool = false) throws(ModelError) {
        let diagnostics = diagnose(model)
        if diagnostics.contains(where: { strict || $0.severity == .error }) { throw ModelError(diagnostics) }
    }

    /// Every problem in `model`, warnings included, unsorted; empty when the model is clean.
    public func diagnose(_ model: AuthorizationModel) -> [Diagnostic] {
        var collector = Collector(model: model)
        collector.checkNames()
        guard collector.checkSchemaVersion(), !collector.hasErrors else { return collector.unique }
        collector.checkReferences()
        if !collector.hasErrors { collector.checkDuplicates() }
        if !collector.hasErrors { collector.checkEntryPoints() }
        if !collector.hasErrors { collector.checkComputedCycles() }
        collector.checkUnusedConditions()
        return collector.unique
    }
}

extension ModelValidator {
    /// The state of one validation run: the model, a type index and the problems found so far.
    struct Collector {
        let model: AuthorizationModel
        /// Types by name's bytes; a later duplicate wins, as in OpenFGA (duplicates are reported separately).
        private let typesByName: [ByteString: TypeDefinition]
        /// Relations by type and name (the first of a repeated name), so lookups stay O(1) on large models.
        private let relations: [ByteString: [ByteString: RelationDefinition]]
        var diagnostics: [Diagnostic] = []

        init(model: AuthorizationModel) {
            self.model = model
            var types: [ByteString: TypeDefinition] = [:]
            for type in model.typeDefinitions { types[ByteString(type.name)] = type }
            self.typesByName = types
            self.relations = types.mapValues { type in
                Dictionary(type.relations.map { (ByteString($0.name), $0) }, uniquingKeysWith: { first, _ in first })
            }
        }

        /// The type named `name`, byte for byte (names differing only by Unicode normalisation are different).
        func type(_ name: String) -> TypeDefinition? { typesByName[ByteString(name)] }

        /// The diagnostics with exact repeats removed, in the order found.
        var unique: [Diagnostic] {
            var seen: Set<Diagnostic> = []
            return diagnostics.filter { seen.insert($0).inserted }
        }

        /// Whether a problem found so far makes the model invalid.
        var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

        mutating func report(
            _ kind: DiagnosticKind, _ message: String, symbol: String?, at range: SourceRange?,
            severity: DiagnosticSeverity = .error
        ) {
            diagnostics.append(Diagnostic(kind: kind, message: message, symbol: symbol, range: range, severity: severity))
        }

        func relation(_ name: String, on typeName: String) -> RelationDefinition? {
            relations[ByteString(typeName)]?[ByteString(name)]
        }

        mutating func checkSchemaVersion() -> Bool {
            if model.schemaVersion.isEmpty {
                report(.schemaVersionRequired, "schema version required", symbol: "", at: model.schemaRange)
                return false
            }
            guard ModelValidator.supportedSchemaVersions.contains(model.schemaVersion) else {
                report(
                    .invalidSchema, "invalid schema \(model.schemaVersion)", symbol: model.schemaVersion,
                    at: model.schemaRange)
                return false
            }
            return true
        }

        mutating func checkUnusedConditions() {
            var used: Set<ByteString> = []
            for type in model.typeDefinitions {
                for relation in type.relations {
                    for restriction in relation.directlyRelatedUserTypes {
                        if let condition = restriction.condition { used.insert(ByteString(condition)) }
                    }
                }
            }
            for condition in model.conditions where !used.contains(ByteString(condition.name)) {
                report(
                    .conditionNotUsed, "`\(condition.name)` condition is not used in the model.",
                    symbol: condition.name, at: condition.nameRange, severity: .warning)
            }
        }
    }
}

import ArgumentParser
import WardenConditions
import WardenModel

/// `warden model validate FILE`: checks syntax and OpenFGA's semantic rules, reporting every problem.
struct ModelValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a model and report every problem with its line and column.",
        discussion: """
            Acceptance is OpenFGA's server's: what it runs anyway (a repeated operand or type restriction, an unused \
            condition, a name past the naming rule's length) is printed as a warning and the model is valid. \
            Exits 0 when the model is valid and 2 when it is not (problems go to stderr).
            """
    )

    @OptionGroup var model: ModelFileArgument

    @Option(help: "How to print the result: text, or json (OpenFGA's error objects).")
    var output: OutputFormat = .text

    @Flag(help: "Refuse warnings too (OpenFGA's language package's verdict rather than its server's).")
    var strict = false

    func run() throws {
        let parsed: AuthorizationModel
        let problems: [Diagnostic]
        do {
            parsed = try ModelLoader.load(path: model.file)
            problems = ModelError(ConditionValidation.diagnoseAll(parsed)).diagnostics
        } catch {
            report(valid: false, errors: error.diagnostics, warnings: [])
            throw WardenExit.badInput
        }
        let errors = problems.filter { strict || $0.severity == .error }
        let warnings = problems.filter { !strict && $0.severity == .warning }
        guard errors.isEmpty else {
            report(valid: false, errors: errors, warnings: warnings)
            throw WardenExit.badInput
        }
        report(valid: true, errors: [], warnings: warnings)
        if output == .text {
            let relations = parsed.typeDefinitions.reduce(0) { $0 + $1.relations.count }
            let remark = warnings.isEmpty ? "" : ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s")"
            print(
                "\(model.file): valid (schema \(parsed.schemaVersion), \(parsed.typeDefinitions.count) types, "
                    + "\(relations) relations, \(parsed.conditions.count) conditions\(remark))")
        }
    }

    /// Prints the problems: located lines on stderr (text), or one JSON object on stdout.
    private func report(valid: Bool, errors: [Diagnostic], warnings: [Diagnostic]) {
        switch output {
        case .text:
            let lines = Diagnostics.text(ModelError(errors + warnings).diagnostics, defaultFile: model.file)
            if !lines.isEmpty { StandardError.write(lines) }
        case .json:
            print(
                JSONValue.object([
                    ("valid", .bool(valid)), ("errors", Diagnostics.json(errors)), ("warnings", Diagnostics.json(warnings)),
                ]).formatted())
        }
    }
}

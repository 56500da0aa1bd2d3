import ArgumentParser
import WardenConditions
import WardenModel

/// `warden model validate FILE`: checks syntax and OpenFGA's semantic rules, reporting every problem.
struct ModelValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a model and report every problem with its line and column.",
        discussion: "Exits 0 when the model is valid and 2 when it is not (problems go to stderr)."
    )

    @OptionGroup var model: ModelFileArgument

    @Option(help: "How to print the result: text, or json (OpenFGA's error objects).")
    var output: OutputFormat = .text

    func run() throws {
        do {
            let parsed = try ConditionValidation.loadValidated(path: model.file)
            switch output {
            case .text:
                let relations = parsed.typeDefinitions.reduce(0) { $0 + $1.relations.count }
                print(
                    "\(model.file): valid (schema \(parsed.schemaVersion), \(parsed.typeDefinitions.count) types, "
                        + "\(relations) relations, \(parsed.conditions.count) conditions)")
            case .json:
                print(JSONValue.object([("valid", .bool(true)), ("errors", .array([]))]).formatted())
            }
        } catch {
            switch output {
            case .text: StandardError.write(Diagnostics.text(error.diagnostics, defaultFile: model.file))
            case .json: print(JSONValue.object([("valid", .bool(false)), ("errors", Diagnostics.json(error.diagnostics))]).formatted())
            }
            throw WardenExit.badInput
        }
    }
}

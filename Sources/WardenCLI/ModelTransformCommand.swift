import ArgumentParser
import WardenModel

/// `warden model transform FILE [--to json|dsl]`: converts between the DSL and OpenFGA's JSON.
struct ModelTransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Convert a model between the DSL and OpenFGA's JSON.",
        discussion: """
            The input format comes from the file name (.fga, .json, fga.mod) or else from its content. Without
            --to, a DSL or fga.mod input becomes JSON and a JSON input becomes DSL.
            """
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case json, dsl
    }

    @OptionGroup var model: ModelFileArgument

    @Option(help: "The output format: json or dsl.")
    var to: Target?

    @Flag(help: "In DSL output, note each type's module and file as a comment (modular models).")
    var sourceInfo = false

    func run() throws {
        let parsed = try model.load(validate: false)
        let target = to ?? (ModelLoader.format(ofFileAt: model.file) == .json ? .dsl : .json)
        switch target {
        case .json:
            print(ModelJSON.encode(parsed).formatted())
        case .dsl:
            do {
                print(try DSLPrinter.print(parsed, includeSourceInfo: sourceInfo), terminator: "")
            } catch {
                StandardError.write("\(model.file): error: \(error)")
                throw WardenExit.badInput
            }
        }
    }
}

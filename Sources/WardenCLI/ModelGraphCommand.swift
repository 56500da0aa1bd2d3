import ArgumentParser
import WardenModel

/// `warden model graph FILE [--format dot|mermaid]`: draws a model's types and relations.
struct ModelGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a model's types and relations as a Graphviz (dot) or Mermaid graph.",
        discussion: """
            Edges: direct (solid / -->), computed (dashed / -.->), tuple-to-userset (dotted / ==>), each labelled
            with the operator it stands under (or, and, but not). Render DOT with `dot -Tpng`.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid
    }

    @OptionGroup var model: ModelFileArgument

    @Option(help: "The graph language: dot or mermaid.")
    var format: Format = .dot

    func run() throws {
        let graph = ModelGraph(try model.load(validate: false))
        print(format == .dot ? graph.dot() : graph.mermaid(), terminator: "")
    }
}

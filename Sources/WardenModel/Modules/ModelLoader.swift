import Foundation

/// Reads a model from a file the way the CLI and the test runner need it: a `.fga` DSL file, an OpenFGA
/// `.json` model, or an `fga.mod` manifest with its module files. The format comes from the file name, or
/// from the content when the name says nothing (`{` starts JSON).
public enum ModelLoader {
    /// The formats a model file can have.
    public enum Format: String, Sendable, CaseIterable {
        case dsl, json, modular
    }

    /// The format of `path`, from its name or else from `text`.
    public static func format(of path: String, text: String) -> Format {
        let name = (path as NSString).lastPathComponent
        if name == "fga.mod" || name.hasSuffix(".mod") { return .modular }
        if name.hasSuffix(".json") { return .json }
        if name.hasSuffix(".fga") { return .dsl }
        return text.drop(while: \.isWhitespace).first == "{" ? .json : .dsl
    }

    /// The format of the file at `path`, from its name or else from its content.
    public static func format(ofFileAt path: String) -> Format {
        format(of: path, text: (try? read(path)) ?? "")
    }

    /// Reads and parses the model at `path` (syntax and structure only; see ``loadValidated(path:)``).
    /// - Throws: ``ModelError`` for unreadable files and every problem found, each naming the file.
    public static func load(path: String) throws(ModelError) -> AuthorizationModel {
        let text = try read(path)
        switch format(of: path, text: text) {
        case .dsl: return try DSLParser.parseModel(text, file: path)
        case .json: return try ModelJSON.decode(text: text, file: path)
        case .modular:
            let manifest = try ModuleManifest.parse(text, file: path)
            let folder = (path as NSString).deletingLastPathComponent
            var files: [ModularModel.File] = []
            for item in manifest.contents {
                files.append(ModularModel.File(name: item, text: try read((folder as NSString).appendingPathComponent(item))))
            }
            return try ModularModel.combine(files)
        }
    }

    /// Reads, parses and validates the model at `path`.
    /// - Throws: ``ModelError`` with every problem found.
    public static func loadValidated(path: String) throws(ModelError) -> AuthorizationModel {
        let model = try load(path: path)
        try ModelValidator().validate(model)
        return model
    }

    static func read(_ path: String) throws(ModelError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError([Diagnostic(kind: .unreadableFile, message: "cannot read '\(path)': no such file or not readable")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelError([Diagnostic(kind: .unreadableFile, message: "'\(path)' is not UTF-8 text")])
        }
        return text
    }
}

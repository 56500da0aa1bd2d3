import ArgumentParser
import Foundation
import WardenConditions
import WardenModel

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Exit codes shared by every command (documented in `warden --help`).
enum WardenExit {
    /// The answer asked about is negative.
    static let negative = ExitCode(1)
    /// Bad input: a model, tuple, file or token.
    static let badInput = ExitCode(2)
}

/// Writing to standard error.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// The model input every model command takes.
struct ModelFileArgument: ParsableArguments {
    @Argument(help: "The model: a .fga DSL file, an OpenFGA .json model, or an fga.mod manifest.")
    var file: String

    /// Loads the model, printing every problem to stderr and exiting 2 when there is one.
    func load(validate: Bool) throws -> AuthorizationModel {
        try Self.load(path: file, validate: validate)
    }

    /// Loads the model at `path`, printing every problem to stderr and exiting 2 when there is one.
    static func load(path: String, validate: Bool) throws -> AuthorizationModel {
        do {
            return validate ? try ConditionValidation.loadValidated(path: path) : try ModelLoader.load(path: path)
        } catch {
            StandardError.write(Diagnostics.text(error.diagnostics, defaultFile: path))
            throw WardenExit.badInput
        }
    }
}

/// Printing diagnostics for people and for programs.
enum Diagnostics {
    /// Compiler-style lines, each naming the file (`model.fga:7:24: error: …`).
    static func text(_ diagnostics: [Diagnostic], defaultFile: String) -> String {
        diagnostics.map { diagnostic in
            var located = diagnostic
            if located.range != nil, located.range?.file == nil { located.range?.file = defaultFile }
            return located.range == nil ? "\(defaultFile): \(located)" : located.description
        }.joined(separator: "\n")
    }

    /// OpenFGA's error shape: `{msg, line: {start, end}, column: {start, end}, metadata: {symbol, errorType}}`.
    static func json(_ diagnostics: [Diagnostic]) -> JSONValue {
        .array(
            diagnostics.map { diagnostic in
                var members: [(String, JSONValue)] = [("msg", .string(diagnostic.message))]
                if let range = diagnostic.range {
                    if let file = range.file { members.append(("file", .string(file))) }
                    members.append(("line", .object([("start", .number("\(range.start.line)")), ("end", .number("\(range.end.line)"))])))
                    members.append(("column", .object([("start", .number("\(range.start.column)")), ("end", .number("\(range.end.column)"))])))
                }
                members.append(
                    ("metadata", .object([("symbol", .string(diagnostic.symbol ?? "")), ("errorType", .string(diagnostic.kind.rawValue))])))
                return .object(members)
            })
    }
}

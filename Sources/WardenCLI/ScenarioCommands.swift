import ArgumentParser
import Foundation
import Warden
import WardenWire
import WardenModel
import WardenScopes
import WardenStore

/// `warden scenario test DIR…`: both layers, case by case.
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Test token scopes and relationships together (scenarios.yaml).",
        subcommands: [ScenarioTestCommand.self])
}

struct ScenarioTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run the scenario cases of each folder (tenant, model, bindings, tuples).",
        discussion: "Exits 1 when a case fails, 2 when a folder's files cannot be loaded.")

    @Argument(help: "Folders holding scenarios.yaml.") var folders: [String]
    @Flag(help: "Print every case's token, relationship and decision, not only failures.") var verbose = false

    func validate() throws {
        if folders.isEmpty { throw ValidationError("give at least one folder") }
    }

    func run() async throws {
        var passed = 0
        var total = 0
        for folder in folders {
            let results: [ScenarioRunner.Result]
            do {
                results = try await ScenarioRunner().run(folder: folder)
            } catch {
                StandardError.write("\(folder): error: \(error)")
                throw WardenExit.badInput
            }
            if verbose { print("=== \(folder)") }
            for result in results {
                total += 1
                if result.passed { passed += 1 }
                if verbose || !result.passed { print((result.passed ? "✓ " : "ⅹ ") + result.narrative + "\n") }
            }
        }
        print("Scenarios \(passed)/\(total) passing")
        if passed != total { throw WardenExit.negative }
    }
}

/// `warden authorize`: one decision over both layers for a token.
struct AuthorizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorize", abstract: "May the holder of TOKEN use PERMISSION on OBJECT? Both layers, with reasons.",
        discussion: "Exits 0 when allowed, 1 when denied, 2 on bad input.")

    @Argument(help: "The access token.") var token: String
    @Argument(help: "The permission, e.g. write:products.") var permission: String
    @Argument(help: "The object, e.g. product:p1.") var object: String
    @Option(help: "The bindings file (permission → type#relation).") var bindings: String
    @Option(help: "Request context for conditions, a JSON object.") var context: String?
    @Flag(help: "Print the decision as JSON, as POST /stores/{id}/authorize answers it.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        try QuerySource.validateContext(context)
    }

    func run() async throws {
        let loaded = try reporting { try PermissionBindings.load(path: bindings) }
        let parsedObject = try reporting { try ObjectRef(parsing: object) }
        let parsedContext = try context.map { text in try reporting { try JSONValue.parse(text) } }
        let (warden, info) = try store.open()
        let decision: AuthorizationDecision
        do {
            decision = try await warden.authorize(
                token: token, permission: permission, object: parsedObject, store: info.id, bindings: loaded,
                context: parsedContext, explain: true)
        } catch {
            StandardError.write("error: \(error)")
            throw WardenExit.badInput
        }
        print(json ? decision.json.formatted() : decision.summary)
        if !decision.allowed { throw WardenExit.negative }
    }
}

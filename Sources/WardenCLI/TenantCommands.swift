import ArgumentParser
import Foundation
import Warden
import WardenModel
import WardenScopes

/// `warden tenant …`: the token layer's directory (APIs, roles, users, applications, client grants).
struct TenantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Import, export and lint tenant files (Auth0 Deploy CLI field names).",
        subcommands: [TenantImportCommand.self, TenantExportCommand.self, TenantLintCommand.self])
}

/// Loads a tenant file, reporting a bad one as bad input.
func loadTenant(_ path: String) throws -> Directory {
    try reporting { try TenantFile.load(path: path) }
}

struct TenantImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Store a tenant file in the data directory.")

    @Argument(help: "The tenant YAML file.") var file: String
    @OptionGroup var data: DataOptions

    func run() throws {
        let directory = try loadTenant(file)
        try reporting { try data.open().importTenant(directory) }
        print("imported \(directory.resourceServers.count) APIs, \(directory.roles.count) roles, \(directory.users.count) users, "
            + "\(directory.applications.count) applications, \(directory.clientGrants.count) client grants")
    }
}

struct TenantExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Print the stored tenant as YAML.")

    @OptionGroup var data: DataOptions

    func run() throws {
        guard let directory = try reporting({ try data.open().tenant() }) else {
            StandardError.write("error: no tenant has been imported into \(data.directory)")
            throw WardenExit.badInput
        }
        print(TenantFile.export(directory), terminator: "")
    }
}

struct TenantLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint", abstract: "Find the misconfigurations the seed warns about.",
        discussion: "Exits 1 when there is an error-severity finding.")

    @Argument(help: "The tenant YAML file.") var file: String
    @Option(help: "text or json.") var output: OutputFormat = .text

    func run() throws {
        let findings = TenantLinter.lint(try loadTenant(file))
        switch output {
        case .text:
            if findings.isEmpty { print("\(file): no findings") }
            for finding in findings { print("\(file): \(finding)") }
        case .json:
            print(JSONValue.array(findings.map { finding in
                .object([("severity", .string(finding.severity.rawValue)), ("rule", .string(finding.rule.rawValue)), ("message", .string(finding.message))])
            }).formatted())
        }
        if findings.contains(where: { $0.severity == .error }) { throw WardenExit.negative }
    }
}

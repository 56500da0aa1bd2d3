import ArgumentParser

/// The `warden` command line: noun-verb commands like OpenFGA's `fga`.
@main
struct WardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Fine-grained authorization: OpenFGA models, relationship checks and token scopes.",
        discussion: """
            Exit codes:
              0   success
              1   the answer asked about is negative (denied, failing test, lint errors)
              2   bad input (model, tuple, file, token)
              64  bad usage
            """,
        subcommands: [
            ModelCommand.self, StoreCommand.self, TupleCommand.self, CheckCommand.self, ListObjectsCommand.self,
            ListUsersCommand.self, ExpandCommand.self, TenantCommand.self, TokenCommand.self, ScenarioCommand.self,
            AuthorizeCommand.self, DoctorCommand.self, MigrateCommand.self, ServeCommand.self, BenchCommand.self, IndexCommand.self,
        ]
    )
}

/// `warden model …`: work with authorization models.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Validate, transform and draw authorization models (.fga, .json or fga.mod).",
        subcommands: [
            ModelValidateCommand.self, ModelTransformCommand.self, ModelGraphCommand.self, ModelTestCommand.self,
            ModelWriteCommand.self, ModelListCommand.self,
        ]
    )
}

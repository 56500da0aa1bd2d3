import ArgumentParser
import WardenPostgres
import WardenStore

/// `warden migrate`: rewrites a data directory into this binary's store format (from format 1, names spelled out
/// in every key, to format 2, names interned per store), in one transaction.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Convert a data directory to this warden's store format, or install Warden's schema in PostgreSQL.",
        discussion: """
            Rewrites every store's tuples, reverse index and changelog in one write transaction: a crash or a full \
            disk leaves the directory as it was. Revisions, change times and continuation order are kept. Stop \
            every warden process using the directory first. With --datastore postgres://…, creates or upgrades \
            Warden's tables in that database in one transaction (wardens refuse to start on a schema they do not know).
            """)

    @OptionGroup var data: DataOptions

    func run() throws {
        if let postgres = try data.postgres() {
            let migration = try reporting { try PostgresTupleStore.migrate(postgres) }
            print(
                migration.from == migration.to
                    ? "\(postgres): already at Warden schema version \(migration.to); nothing to do"
                    : "\(postgres): Warden schema version \(migration.from) → \(migration.to)")
            return
        }
        let report = try reporting { try LMDBTupleStore.migrate(path: data.directory) }
        switch report.from {
        case nil:
            print("\(data.directory): empty; recorded store format \(report.to)")
        case report.to?:
            print("\(data.directory): already in store format \(report.to); nothing to do")
        case let from?:
            print(
                "\(data.directory): store format \(from) → \(report.to): \(report.stores) stores, \(report.tuples) tuples, "
                    + "\(report.changes) changes rewritten")
        }
    }
}

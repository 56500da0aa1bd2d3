import ArgumentParser
import Foundation
import Warden
import WardenStore

/// `warden doctor`: examines a data directory (or a PostgreSQL datastore) without changing it — permissions, map
/// use, readers — and checks the whole data file: key order in every table, and forward index, reverse index and changelog in agreement.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a data directory: permissions, map size, readers, key order and index agreement.",
        discussion: "Exits 0 when everything is consistent, 1 when a problem is found (each named on stderr).")

    @OptionGroup var data: DataOptions

    func run() throws {
        let warden = try data.open(readOnly: true)
        var problems: [String] = []
        if let store = warden.embedded {
            let (modes, permissionProblems) = store.permissions()
            problems += permissionProblems
            print("data directory  \(store.path)")
            print("permissions     " + modes.map { "\($0.name) \($0.mode)" }.joined(separator: ", "))
            let facts = store.environmentFacts()
            let percent = facts.mapSize > 0 ? 100 * facts.usedBytes / facts.mapSize : 0
            print("map             \(Self.bytes(facts.usedBytes)) used of \(Self.bytes(facts.mapSize)) (\(percent)%)")
            let stale = facts.staleReadersCleared.map { ", \($0) stale cleared" } ?? ""
            print("readers         \(facts.readers) of \(facts.maximumReaders) slots in use\(stale)")
            print("last write      transaction \(facts.lastTransactionID)")
        } else {
            print("datastore       \(data.place)")
            print("last write      version \(warden.tuples.latestVersion)")
        }
        let report = try reporting { try warden.tuples.checkConsistency() }
        let keys = report.keys.reduce(0) { $0 + $1.count }
        print("key order       \(report.keys.count) tables, \(keys) keys" + (report.problems.isEmpty ? ", in order" : ""))
        for (info, tuples, revision) in report.stores {
            print("store           \(info.name) (\(info.id)): \(tuples) tuples at revision \(revision)")
        }
        problems += report.problems
        if problems.isEmpty {
            print("consistent: every table in key order; forward index, reverse index and changelog agree")
            return
        }
        for problem in problems { StandardError.write("problem: \(problem)") }
        throw WardenExit.negative
    }

    static func bytes(_ count: Int) -> String {
        count >= 1 << 20 ? String(format: "%.1f MiB", Double(count) / 1_048_576) : String(format: "%.1f KiB", Double(count) / 1024)
    }
}

import Foundation
import Testing
import Warden
import WardenEngine
import WardenPostgres
import WardenStore
import WardenTestSupport

/// OpenFGA's own suites (`../shared/conformance/check/`): every store file through the same runner as
/// `warden model test`, each check run twice (tuples stored, then sent as contextual tuples), as OpenFGA's harness does.
@Suite("OpenFGA check corpus")
struct CheckCorpusTests {
    static let files: [String] = ["consolidated", "abac", "check-matrix", "listobjects-matrix"].flatMap { folder in
        Fixtures.corpusFiles("check/\(folder)", extension: "yaml").map { "\(folder)/\($0.lastPathComponent)" }
    }

    @Test("every store file passes", arguments: files)
    func storeFile(_ name: String) throws {
        let path = try #require(Fixtures.conformance).appendingPathComponent("check/\(name)").path
        var runner = ModelTestRunner(engine: WardenDefaults.engine())
        runner.alsoAsContextualTuples = true
        let report = runner.run(paths: [path])
        #expect(report.fileErrors.isEmpty, "\(report.fileErrors)")
        let failures = report.tests.flatMap(\.failures)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(report.checks.total > 0 || report.listObjects.total > 0 || report.listUsers.total > 0)
    }

    @Test("the corpus is all there")
    func corpusCounts() throws {
        guard Fixtures.corpusPresent(for: "the check corpus") else { return }
        let root = try #require(Fixtures.conformance).appendingPathComponent("check").path
        let report = ModelTestRunner(engine: WardenDefaults.engine()).run(paths: Self.files.map { "\(root)/\($0)" })
        #expect(Self.files.count == 273)
        #expect(report.tests.count == 371)
        #expect(report.checks == .init(passing: 1470, total: 1470))
        #expect(report.listObjects == .init(passing: 912, total: 912))
        #expect(report.listUsers == .init(passing: 768, total: 768))
    }

    /// The same corpus with every test's store in one PostgreSQL database: the same answers as in memory.
    @Test("every store file passes on PostgreSQL", .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
    func postgres() throws {
        guard Fixtures.corpusPresent(for: "the check corpus on PostgreSQL") else { return }
        let root = try #require(Fixtures.conformance).appendingPathComponent("check").path
        let database = try PostgresTestDatabase()
        let tuples = try PostgresTupleStore(database.datastore)
        var runner = ModelTestRunner(backend: EngineTestBackend(engine: WardenDefaults.engine()) { tuples })
        runner.alsoAsContextualTuples = true
        let report = runner.run(paths: Self.files.map { "\(root)/\($0)" })
        #expect(report.fileErrors.isEmpty, "\(report.fileErrors)")
        let failures = report.tests.flatMap(\.failures)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // Each check twice: tuples stored, then sent as contextual tuples.
        #expect(report.tests.count == 371)
        #expect(report.checks == .init(passing: 2 * 1470, total: 2 * 1470))
        #expect(report.listObjects == .init(passing: 912, total: 912))
        #expect(report.listUsers == .init(passing: 768, total: 768))
    }
}

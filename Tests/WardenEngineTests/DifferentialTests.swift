import Foundation
import Testing
import Warden
import WardenConditions
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// Random models, tuples and queries labelled by the real OpenFGA engine (Tests/Differential/generate.py, run with
/// the public fga CLI). Warden must give OpenFGA's answer on every Check and ListObjects request, answer with an
/// error wherever OpenFGA did, and refuse every model OpenFGA refused.
///
/// ListUsers has one deliberate difference, checked here rather than listed: Warden's ListUsers agrees with its
/// Check. Where OpenFGA's ListUsers lists a user its own Check denies, or leaves out one its own Check grants, the
/// labelled file holds OpenFGA's Check of that user, and Warden's answer must differ from OpenFGA's list exactly by
/// such users.
@Suite("Differential sample (labelled by OpenFGA)")
struct DifferentialTests {
    /// The checked-in sample, or another labelled folder (`WARDEN_DIFFERENTIAL=DIR`, as `fresh.sh` makes).
    static let folder = ProcessInfo.processInfo.environment["WARDEN_DIFFERENTIAL"].map { URL(fileURLWithPath: $0) }
        ?? Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/differential")

    static func names(in folder: URL, suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted()
    }

    static var files: [String] { names(in: folder, suffix: ".fga.yaml").filter { !$0.hasSuffix(".errors.fga.yaml") } }
    static var errorFiles: [String] { names(in: folder, suffix: ".errors.fga.yaml") }
    static var refusedModels: [String] { names(in: folder.appendingPathComponent("refused"), suffix: ".fga") }

    @Test("the sample holds at least 100 models")
    func sampleSize() {
        #expect(Self.files.count + Self.refusedModels.count >= 100)
        #expect(!Self.errorFiles.isEmpty)
        #expect(!Self.refusedModels.isEmpty)
    }

    @Test("Warden agrees with OpenFGA on every labelled Check and ListObjects, and on ListUsers up to its own Checks",
        arguments: files)
    func agrees(_ name: String) throws {
        let file = try StoreFile.load(path: Self.folder.appendingPathComponent(name).path)
        let engine = WardenDefaults.engine()
        let results = try ModelTestRunner(engine: engine).run(file)
        let others = results.flatMap(\.failures).filter { !$0.hasPrefix("ListUsers(") }
        #expect(others.isEmpty, "\(name): \(others)")
        #expect(results.reduce(0) { $0 + $1.checks.total } > 0)
        let unexplained = try ListUsersComparison(file: file, engine: engine).unexplainedDifferences()
        #expect(unexplained.isEmpty, "\(name): \(unexplained)")
    }

    @Test("every check OpenFGA answered with an error, Warden answers with an error", arguments: errorFiles)
    func errors(_ name: String) throws {
        let file = try StoreFile.load(path: Self.folder.appendingPathComponent(name).path)
        let results = try ModelTestRunner(engine: WardenDefaults.engine()).run(file)
        let failures = results.flatMap(\.failures)
        let total = results.reduce(0) { $0 + $1.checks.total }
        #expect(total > 0)
        #expect(failures.count == total, "\(name): some check answered instead of failing")
        #expect(failures.allSatisfy { $0.contains("got=error: ") }, "\(name): \(failures)")
    }

    @Test("every model OpenFGA refused, Warden refuses", arguments: refusedModels)
    func refused(_ name: String) {
        let path = Self.folder.appendingPathComponent("refused").appendingPathComponent(name).path
        #expect(throws: ModelError.self) { try ConditionValidation.loadValidated(path: path) }
    }
}

/// Warden's ListUsers answers for a labelled store file, set against OpenFGA's, with each difference explained by
/// OpenFGA's own labelled Check of the user where it can be.
struct ListUsersComparison {
    let file: StoreFile
    let engine: CheckEngine

    /// What the file says OpenFGA's Check answered, by (user, relation, object, context).
    private var labelledChecks: [String: Bool] {
        var answers: [String: Bool] = [:]
        for test in file.tests {
            for check in test.checks {
                for (relation, expected) in check.assertions {
                    answers[Self.key(check.user, relation, check.object, check.context)] = expected
                }
            }
        }
        return answers
    }

    static func key(_ user: String, _ relation: String, _ object: String, _ context: JSONValue?) -> String {
        [user, relation, object, context?.compact ?? ""].map { Array($0.utf8).map(String.init).joined(separator: ".") }
            .joined(separator: "|")
    }

    /// Each ListUsers difference that OpenFGA's own Check does not explain, described.
    func unexplainedDifferences() throws -> [String] {
        let model = CompiledModel(file.model)
        let checks = labelledChecks
        var unexplained: [String] = []
        for test in file.tests where !test.listUsers.isEmpty {
            let store = MemoryTupleStore()
            let storeID = try store.createStore(name: "listusers").id
            try store.write(WriteBatch(writes: file.tuples + test.tuples, onDuplicate: .ignore), store: storeID)
            try store.read(store: storeID) { snapshot in
                for list in test.listUsers {
                    for (relation, expected) in list.assertions {
                        let request = ListUsersRequest(
                            object: try ObjectRef(parsing: list.object), relation: relation,
                            filters: list.filters.map { ListUsersRequest.Filter(type: $0.type, relation: $0.relation) },
                            context: list.context)
                        let got = Set(try Self.listUsers(engine, request, model, snapshot).map { ByteString($0.description) })
                        let wanted = Set(expected.map(ByteString.init))
                        for user in got.symmetricDifference(wanted) {
                            let openFGACheck = checks[Self.key(user.value, relation, list.object, list.context)]
                            // Warden adds a user only where OpenFGA's Check grants it, and leaves one out only
                            // where OpenFGA's Check denies it.
                            if openFGACheck != got.contains(user) {
                                unexplained.append(
                                    "ListUsers(\(list.object)#\(relation), \(user)): OpenFGA lists \(wanted.contains(user)), "
                                        + "Warden \(got.contains(user)), OpenFGA's Check \(openFGACheck.map(String.init) ?? "not labelled")")
                            }
                        }
                    }
                }
            }
        }
        return unexplained
    }

    private static func listUsers<Snapshot: TupleSnapshot>(
        _ engine: CheckEngine, _ request: ListUsersRequest, _ model: CompiledModel, _ snapshot: Snapshot
    ) throws -> [UserRef] {
        try engine.listUsers(request, model: model, snapshot: snapshot)
    }
}

import Foundation
import Testing
import Warden
import WardenEngine
import WardenModel
import WardenPostgres
import WardenStore
import WardenTestSupport
import Yams

/// OpenFGA's staged tests (`errors/staged.yaml`): the model changes between stages while tuples written earlier
/// stay stored, and tuples the newer model no longer allows must be ignored. Each case runs stage by stage in one
/// store of a real LMDB data directory, through the `Warden` facade.
@Suite("OpenFGA staged corpus")
struct StagedCorpusTests {
    static let cases: [ErrorCorpusTests.Case] = {
        guard let url = Fixtures.conformance?.appendingPathComponent("errors/staged.yaml"),
            let text = try? Fixtures.text(url), let node = (try? Yams.compose(yaml: text)) ?? nil,
            let document = try? JSONValue(yaml: node), case .array(let entries)? = document["cases"]
        else { return [] }
        return entries.map { ErrorCorpusTests.Case(id: ErrorCorpusTests.string($0["id"]), value: $0) }
    }()

    @Test("the staged corpus is there")
    func present() {
        guard Fixtures.corpusPresent(for: "the staged corpus") else { return }
        #expect(Self.cases.count == 24)
    }

    @Test("every stage answers as OpenFGA does", arguments: cases)
    func stages(_ staged: ErrorCorpusTests.Case) async throws {
        let directory = try TemporaryDirectory()
        try Self.run(staged, on: try Warden(dataDirectory: directory.path))
    }

    /// The same stages through a `Warden` on PostgreSQL (one database; a store per case).
    @Test("every stage answers as OpenFGA does on PostgreSQL", .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason))
    func stagesOnPostgres() throws {
        guard Fixtures.corpusPresent(for: "the staged corpus on PostgreSQL") else { return }
        let database = try PostgresTestDatabase()
        let warden = try Warden(tuples: try PostgresTupleStore(database.datastore))
        for staged in Self.cases { try Self.run(staged, on: warden) }
        #expect(try warden.listStores().count == Self.cases.count)
    }

    static func run(_ staged: ErrorCorpusTests.Case, on warden: Warden) throws {
        let store = try warden.createStore(name: "staged").id
        guard case .array(let stages)? = staged.value["stages"] else { Issue.record("no stages"); return }
        for (index, stage) in stages.enumerated() {
            _ = try warden.writeModel(try DSLParser.parseModel(ErrorCorpusTests.string(stage["model"])), store: store)
            let tuples = try ErrorCorpusTests.tuples(stage["tuples"])
            if !tuples.isEmpty { try warden.write(WriteBatch(writes: tuples), store: store) }
            guard case .array(let assertions)? = stage["assertions"] else { continue }
            for assertion in assertions {
                let label = "\(staged.id) stage \(index) \(assertion["api"].map { ErrorCorpusTests.string($0) } ?? "") \(assertion["request"]?.compact ?? "")"
                let got = try Self.answer(assertion, warden: warden, store: store)
                if case .number(let code)? = assertion["expected_error"]?["code"] {
                    #expect(got == .error(Int(code) ?? 0), "\(label)")
                } else if let expect = assertion["expect"] {
                    #expect(got == .value(expect.canonicalSet), "\(label)")
                }
            }
        }
    }

    enum Answer: Equatable {
        case value(JSONValue)
        case error(Int)
    }

    static func answer(_ assertion: JSONValue, warden: Warden, store: String) throws -> Answer {
        let request = try #require(assertion["request"])
        let context = assertion["context"]
        let contextual = try ErrorCorpusTests.tuples(assertion["contextual_tuples"])
        func string(_ key: String) -> String { ErrorCorpusTests.string(request[key]) }
        do {
            switch ErrorCorpusTests.string(assertion["api"]) {
            case "check":
                let result = try warden.check(
                    CheckRequest(user: UserRef(parsing: string("user")), relation: string("relation"), object: ObjectRef(parsing: string("object")), context: context, contextualTuples: contextual),
                    store: store)
                return .value(.bool(result.allowed))
            case "list_objects":
                let result = try warden.listObjects(
                    ListObjectsRequest(user: UserRef(parsing: string("user")), relation: string("relation"), objectType: string("type"), context: context, contextualTuples: contextual, maximumResults: 10_000),
                    store: store)
                return .value(JSONValue.array(result.objects.map(JSONValue.string)).canonicalSet)
            default:
                var filters: [ListUsersRequest.Filter] = []
                if case .array(let values)? = request["user_filter"] {
                    filters = values.map { ListUsersRequest.Filter(type: ErrorCorpusTests.string($0["type"]), relation: $0["relation"].map { ErrorCorpusTests.string($0) }) }
                }
                let users = try warden.listUsers(
                    ListUsersRequest(object: ObjectRef(parsing: string("object")), relation: string("relation"), filters: filters, context: context, contextualTuples: contextual),
                    store: store)
                return .value(JSONValue.array(users.map { .string($0.description) }).canonicalSet)
            }
        } catch let error as CheckError {
            return .error(error.code.rawValue)
        }
    }
}

extension JSONValue {
    /// Lists sorted (answers compare as sets); other values unchanged.
    var canonicalSet: JSONValue {
        guard case .array(let values) = self else { return self }
        return .array(values.sorted { $0.compact < $1.compact })
    }
}

import Foundation
import Testing
import Warden
import WardenConditions
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// The in-process benchmark: exact request counts across threads, errors counted by code, and the regression
/// comparison of two reports.
@Suite("Bench runner")
struct BenchRunnerTests {
    static let model = try! DSLParser.parseModel("model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n")

    static func workload(_ requests: [BenchWorkload.Request]) throws -> BenchWorkload {
        BenchWorkload(
            description: "test", model: model,
            tuples: [RelationshipTuple(try TupleKey(object: "doc:1", relation: "viewer", user: "user:anne"))], requests: requests)
    }

    /// Options for a timed phase of exactly `requests` requests, with no warm-up.
    static func options(requests: Int, threads: Int = 1, cache: Bool = true) -> BenchOptions {
        var options = BenchOptions()
        options.warmup = .zero
        options.requests = requests
        options.threads = threads
        options.cache = cache
        return options
    }

    static let anne = CheckRequest(user: .object(ObjectRef(type: "user", id: "anne")), relation: "viewer", object: ObjectRef(type: "doc", id: "1"))

    @Test("a fixed number of requests from three threads is measured exactly, grouped by kind and relation")
    func exactCounts() throws {
        let data = try TemporaryDirectory()
        let options = Self.options(requests: 1_000, threads: 3)
        let lists = BenchWorkload.Request.listObjects(ListObjectsRequest(user: Self.anne.user, relation: "viewer", objectType: "doc"))
        let report = try BenchRunner(options: options).run(try Self.workload([.check(Self.anne), lists]), dataDirectory: data.path)
        #expect(report.requests == 1_000)
        #expect(report.kinds.mapValues(\.count).values.reduce(0, +) == 1_000)
        #expect(Set(report.relations.keys) == ["check doc#viewer", "list-objects doc#viewer"])
        #expect(report.errors.isEmpty)
        #expect(report.throughput > 0 && report.seconds > 0)
        #expect(report.meanCheckDepth == 0, "a direct tuple is answered on the object itself")
    }

    @Test("the sending threads' processor time is measured: some, and no more than each thread's share of the timed phase")
    func processorTime() throws {
        let data = try TemporaryDirectory()
        var options = Self.options(requests: 0, threads: 2)
        options.requests = nil
        options.duration = .milliseconds(300)
        let report = try BenchRunner(options: options).run(try Self.workload([.check(Self.anne)]), dataDirectory: data.path)
        let cpu = try #require(report.cpuSeconds)
        #expect(cpu > 0)
        // A thread cannot run longer than the phase lasted (a little slack for the clock reads around the loop).
        #expect(cpu <= report.seconds * 2 * 1.02)
        #expect(report.table.contains(String(format: "%.0f requests per CPU-second", Double(report.requests) / cpu)))
        let decoded = try JSONDecoder().decode(BenchReport.self, from: JSONEncoder().encode(report))
        #expect(decoded.cpuSeconds == report.cpuSeconds)
    }

    @Test("the mean check depth counts tuple-to-userset hops (cache off: every answer walked)")
    func meanDepth() throws {
        let data = try TemporaryDirectory()
        let options = Self.options(requests: 20, cache: false)
        let model = try DSLParser.parseModel("""
            model
              schema 1.1
            type user
            type folder
              relations
                define viewer: [user]
            type doc
              relations
                define parent: [folder]
                define viewer: viewer from parent
            """)
        let tuples = [
            RelationshipTuple(try TupleKey(object: "doc:1", relation: "parent", user: "folder:1")),
            RelationshipTuple(try TupleKey(object: "folder:1", relation: "viewer", user: "user:anne")),
        ]
        let workload = BenchWorkload(description: "parents", model: model, tuples: tuples, requests: [.check(Self.anne)])
        let report = try BenchRunner(options: options).run(workload, dataDirectory: data.path)
        #expect(report.meanCheckDepth == 1)
        #expect(report.cacheHitRatio == nil)
        #expect(report.table.contains("mean check depth: 1.00"))
    }

    @Test("failed requests are counted by their error code")
    func errorsByCode() throws {
        let data = try TemporaryDirectory()
        let options = Self.options(requests: 100)
        var unknown = Self.anne
        unknown.relation = "editor"
        let report = try BenchRunner(options: options).run(try Self.workload([.check(Self.anne), .check(unknown)]), dataDirectory: data.path)
        #expect(report.errors == ["validation": 50])
        #expect(report.kinds["check"]?.count == 100)
    }

    @Test("a percentile above the baseline by more than allowed is a regression; within it, none")
    func regressions() throws {
        let data = try TemporaryDirectory()
        let options = Self.options(requests: 10)
        let base = try BenchRunner(options: options).run(try Self.workload([.check(Self.anne)]), dataDirectory: data.path)
        var slower = base
        slower.kinds["check"]!.p99 = base.kinds["check"]!.p99 * 1.5
        #expect(slower.regressions(against: base, maximum: 0.6).isEmpty)
        let found = slower.regressions(against: base, maximum: 0.1)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("check p99 is ") == true)
        #expect(found.first?.contains("50% above the baseline's") == true)
        #expect(base.regressions(against: base, maximum: 0).isEmpty)
    }

    @Test("a generated workload is the same for a seed, valid under its model, and holds the asked share of yes")
    func generatedWorkload() throws {
        let model = try ConditionValidation.loadValidated(path: Fixtures.repositoryRoot.appendingPathComponent("models/care-unit/model.fga").path)
        var shape = BenchGenerator.Options()
        shape.objects = 100
        shape.requests = 120
        shape.allowed = 0.25
        shape.seed = 42
        let first = try BenchGenerator(options: shape).workload(model: model, name: "care-unit")
        let again = try BenchGenerator(options: shape).workload(model: model, name: "care-unit")
        #expect(first.tuples == again.tuples)
        #expect(first.requests.map(\.label) == again.requests.map(\.label))
        shape.seed = 43
        #expect(try BenchGenerator(options: shape).workload(model: model, name: "care-unit").tuples != first.tuples)
        let compiled = CompiledModel(model)
        for tuple in first.tuples { try compiled.validator.validate(tuple) }
        #expect(first.tuples.contains { $0.condition?.name == "during_shift" }, "on_call admits only conditioned tuples")
        // Answered again on a real store: exactly a quarter allowed.
        let data = try TemporaryDirectory()
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "generated").id
        _ = try warden.writeModel(model, store: store)
        try warden.importTuples(first.tuples, store: store)
        let allowed = try first.requests.filter { request in
            guard case .check(let check) = request else { return false }
            return try warden.check(check, store: store).allowed
        }
        #expect(first.requests.count == 120)
        #expect(allowed.count == 30)
        // A relation's own fan-out: exactly one care unit per patient; 1 to 3 (the default) otherwise.
        shape.relations["patient#care_unit"] = (fanout: 1, depth: 3)
        let shaped = try BenchGenerator(options: shape).workload(model: model, name: "care-unit").tuples
        #expect(shaped.filter { $0.key.relation == "care_unit" }.count == 100)
        #expect(first.tuples.filter { $0.key.relation == "care_unit" }.count > 100)
    }
}

import Foundation
import Testing
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport
import Yams

/// OpenFGA's expected failures (`../shared/conformance/errors/`): each request must fail with the expected code
/// (missing condition parameters, bad floats, unknown types and relations, invalid contextual tuples, depth).
@Suite("OpenFGA error corpus")
struct ErrorCorpusTests {
    struct Case: CustomStringConvertible, Sendable {
        var id: String
        var value: JSONValue
        var description: String { id }
    }

    static let cases: [Case] = ["consolidated", "abac", "check-matrix"].flatMap { file -> [Case] in
        guard let url = Fixtures.conformance?.appendingPathComponent("errors/\(file).yaml"),
            let text = try? Fixtures.text(url), let node = (try? Yams.compose(yaml: text)) ?? nil,
            let document = try? JSONValue(yaml: node), case .array(let entries)? = document["cases"]
        else { return [] }
        return entries.map { entry in
            guard case .string(let id)? = entry["id"] else { return Case(id: "?", value: entry) }
            return Case(id: id, value: entry)
        }
    }

    static func string(_ value: JSONValue?) -> String {
        if case .string(let text)? = value { return text }
        return ""
    }

    static func tuples(_ value: JSONValue?) throws -> [RelationshipTuple] {
        guard case .array(let entries)? = value else { return [] }
        return try entries.map { entry in
            let key = try TupleKey(object: string(entry["object"]), relation: string(entry["relation"]), user: string(entry["user"]))
            var condition: TupleCondition?
            if let conditionValue = entry["condition"], conditionValue != .null {
                condition = TupleCondition(name: string(conditionValue["name"]), context: conditionValue["context"])
            }
            return RelationshipTuple(key, condition: condition)
        }
    }

    /// Runs the case's request; returns the error code, or nil when it answered.
    static func run(_ entry: JSONValue) throws -> Int? {
        let model = CompiledModel(try DSLParser.parseModel(string(entry["model"])))
        let store = MemoryTupleStore()
        let id = try store.createStore(name: "errors").id
        try store.write(WriteBatch(writes: try tuples(entry["tuples"])), store: id)
        let request = try #require(entry["request"])
        let context = entry["context"]
        let contextual = try tuples(entry["contextual_tuples"])
        let engine = CheckEngine(conditions: CELConditions())
        return try store.read(store: id) { snapshot -> Int? in
            do throws(CheckError) {
                switch string(entry["api"]) {
                case "check":
                    guard let user = try? UserRef(parsing: string(request["user"])) else { return 2000 }
                    let object = try! ObjectRef(parsing: string(request["object"]))
                    _ = try engine.check(
                        CheckRequest(user: user, relation: string(request["relation"]), object: object, context: context, contextualTuples: contextual),
                        model: model, snapshot: snapshot)
                case "list_objects":
                    guard let user = try? UserRef(parsing: string(request["user"])) else { return 2000 }
                    _ = try engine.listObjects(
                        ListObjectsRequest(user: user, relation: string(request["relation"]), objectType: string(request["type"]), context: context, contextualTuples: contextual),
                        model: model, snapshot: snapshot)
                default:
                    var filters: [ListUsersRequest.Filter] = []
                    if case .array(let values)? = request["user_filter"] {
                        filters = values.map { ListUsersRequest.Filter(type: string($0["type"]), relation: $0["relation"].map { string($0) }) }
                    }
                    _ = try engine.listUsers(
                        ListUsersRequest(object: try! ObjectRef(parsing: string(request["object"])), relation: string(request["relation"]), filters: filters, context: context, contextualTuples: contextual),
                        model: model, snapshot: snapshot)
                }
                return nil
            } catch {
                return error.code.rawValue
            }
        }
    }

    @Test("every request fails with the expected code", arguments: cases)
    func expectedError(_ errorCase: Case) throws {
        guard case .number(let text)? = errorCase.value["expected_error"]?["code"], let expected = Int(text) else {
            Issue.record("case has no expected code")
            return
        }
        #expect(try Self.run(errorCase.value) == expected)
    }

    @Test("the error corpus is there")
    func corpusPresent() {
        guard Fixtures.corpusPresent(for: "the error corpus") else { return }
        #expect(Self.cases.count == 219)
    }
}

import Benchmark
import Foundation
import WardenConditions
import WardenEngine
import WardenModel
import WardenStore

/// Conditions: evaluating a compiled condition, and a check through one conditioned tuple against the same check
/// without the condition (both in memory, so the difference is the condition's cost).
let benchmarks: @Sendable () -> Void = {
    let definition = ConditionDefinition(
        name: "in_office",
        parameters: [ConditionParameter(name: "ip", type: .ipaddress), ConditionParameter(name: "cidr", type: .string), ConditionParameter(name: "hour", type: .int)],
        expression: "ip.in_cidr(cidr) && hour >= 8 && hour < 18")
    let compiled = try! CompiledCondition(definition)
    let context: [String: JSONValue] = ["ip": .string("10.1.2.3"), "cidr": .string("10.0.0.0/8"), "hour": .number("9")]
    let simple = try! CompiledCondition(ConditionDefinition(name: "x", parameters: [ConditionParameter(name: "x", type: .int)], expression: "x < 100"))
    let simpleContext: [String: JSONValue] = ["x": .number("5")]

    let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, maxDuration: .seconds(3))

    Benchmark("Condition: evaluate x < 100", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try simple.evaluate(context: simpleContext)) }
    }

    Benchmark("Condition: evaluate ip.in_cidr(cidr) && hour in 8..<18", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try compiled.evaluate(context: context)) }
    }

    let modelText = """
        model
          schema 1.1
        type user
        type doc
          relations
            define viewer: [user, user with small]
        condition small(x: int) {
          x < 100
        }
        """
    let model = CompiledModel(try! DSLParser.parseModel(modelText))
    let store = MemoryTupleStore()
    let id = try! store.createStore(name: "conditions").id
    let anne = try! TupleKey(object: "doc:plain", relation: "viewer", user: "user:anne")
    let bob = try! TupleKey(object: "doc:conditioned", relation: "viewer", user: "user:anne")
    try! store.write(
        WriteBatch(writes: [RelationshipTuple(anne), RelationshipTuple(bob, condition: TupleCondition(name: "small", context: .object([("x", .number("5"))])))]),
        store: id)
    let engine = CheckEngine(conditions: CELConditions())

    for (name, key) in [("Check: one plain tuple (memory store)", anne), ("Check: one conditioned tuple (memory store)", bob)] {
        Benchmark(name, configuration: configuration) { benchmark in
            let request = CheckRequest(user: key.user, relation: key.relation, object: key.object)
            try store.read(store: id) { snapshot in
                for _ in benchmark.scaledIterations {
                    let allowed = try engine.check(request, model: model, snapshot: snapshot).allowed
                    precondition(allowed)
                }
            }
        }
    }
}

import Benchmark
import Foundation
import WardenEngine
import WardenModel
import WardenStore

/// Checks through deep nesting over 104,000 groups, answered from the nested-group index and by walking the
/// nesting (the same LMDB store, the engine told to ignore the index), and what one nesting edge costs to write
/// with the index kept and without.
///
/// The store holds 4,000 chains of 26 groups (`group:cN-0 ∋ cN-1 ∋ … ∋ cN-25`), each with one user in its
/// deepest group: a check of that user on `cN-(25 - L)` goes through L levels of nesting.
let benchmarks: @Sendable () -> Void = {
    let model = CompiledModel(
        try! DSLParser.parseModel(
            """
            model
              schema 1.1
            type user
            type group
              relations
                define member: [user, group#member]
            """), id: "bench")
    let chains = 4_000
    let length = 26
    func tuple(_ object: String, _ relation: String, _ user: String) -> RelationshipTuple {
        RelationshipTuple(try! TupleKey(object: object, relation: relation, user: user))
    }
    var tuples: [RelationshipTuple] = []
    for chain in 0..<chains {
        for level in 0..<(length - 1) { tuples.append(tuple("group:c\(chain)-\(level)", "member", "group:c\(chain)-\(level + 1)#member")) }
        tuples.append(tuple("group:c\(chain)-\(length - 1)", "member", "user:u\(chain)"))
    }

    func makeStore(_ name: String, index: Bool) -> (LMDBTupleStore, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-nested-\(name)").path
        try? FileManager.default.removeItem(atPath: path)
        let store = try! LMDBTupleStore(path: path)
        let id = try! store.createStore(name: name).id
        if !index { try! store.setNestedGroupIndex(on: false, store: id) }
        try! store.write(WriteBatch(writes: tuples), store: id)
        return (store, id)
    }
    let (store, storeID) = makeStore("indexed", index: true)
    let (plainStore, plainID) = makeStore("plain", index: false)

    var indexed = CheckEngine.Configuration()
    indexed.useNestedGroupIndex = true
    var walked = CheckEngine.Configuration()
    walked.useNestedGroupIndex = false
    let engines = [("index", CheckEngine(configuration: indexed)), ("walk", CheckEngine(configuration: walked))]

    /// Checks of random chains through `levels` levels: the chain's own user (yes), or another chain's (no).
    func requests(levels: Int, member: Bool) -> [CheckRequest] {
        (0..<1024).map { _ in
            let chain = Int.random(in: 0..<chains)
            let user = member ? chain : (chain + 1) % chains
            return CheckRequest(
                user: .object(ObjectRef(type: "user", id: "u\(user)")), relation: "member",
                object: ObjectRef(type: "group", id: "c\(chain)-\(length - 1 - levels)"))
        }
    }
    // The checks answered from the index are checked against Benchmarks/Thresholds (`make bench-check`), as
    // CheckBenchmarks' are: not one allocation more, p90 time at most double the recorded figure.
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, maxDuration: .seconds(3),
        thresholds: [.wallClock: .init(relative: [.p90: 100.0]), .mallocCountTotal: .init(absolute: [.p90: 0])])

    for (levels, member) in [(5, true), (10, true), (25, true), (10, false)] {
        let batch = requests(levels: levels, member: member)
        for (label, engine) in engines {
            Benchmark("Check: \(levels) levels of nesting, \(member ? "member" : "not a member"), \(label)", configuration: configuration) { benchmark in
                for iteration in benchmark.scaledIterations {
                    let allowed = try store.read(store: storeID) { snapshot in
                        try engine.check(batch[iteration & 1023], model: model, snapshot: snapshot, storeID: storeID).allowed
                    }
                    precondition(allowed == member)
                }
            }
        }
    }

    // ListObjects climbs from the user's group to every group it is nested in (26, one per level), and ListUsers
    // descends from a group through 20 levels to its user: from the index, or level by level.
    let listConfiguration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, maxDuration: .seconds(3))
    for (label, engine) in engines {
        Benchmark("ListObjects: the 26 groups of a user nested 25 levels deep, \(label)", configuration: listConfiguration) { benchmark in
            for iteration in benchmark.scaledIterations {
                let request = ListObjectsRequest(
                    user: .object(ObjectRef(type: "user", id: "u\(iteration % chains)")), relation: "member", objectType: "group")
                let found = try store.read(store: storeID) { snapshot in
                    try engine.listObjects(request, model: model, snapshot: snapshot).objects.count
                }
                precondition(found == length)
            }
        }
        Benchmark("ListUsers: the user of a group 20 levels of nesting above it, \(label)", configuration: listConfiguration) { benchmark in
            for iteration in benchmark.scaledIterations {
                let request = ListUsersRequest(
                    object: ObjectRef(type: "group", id: "c\(iteration % chains)-5"), relation: "member", filters: [.init(type: "user")])
                let found = try store.read(store: storeID) { snapshot in
                    try engine.listUsers(request, model: model, snapshot: snapshot)
                }
                precondition(found == [.object(ObjectRef(type: "user", id: "u\(iteration % chains)"))])
            }
        }
    }

    // One nesting edge written and deleted again (two durable transactions), under a chain's middle group: the
    // index updates the 13 groups above it.
    for (label, target, id) in [("index kept", store, storeID), ("no index", plainStore, plainID)] {
        Benchmark(
            "Write: one nesting edge into a 26-deep chain, then its delete, \(label)",
            configuration: .init(metrics: [.wallClock], timeUnits: .microseconds, maxDuration: .seconds(3))
        ) { benchmark in
            for iteration in benchmark.scaledIterations {
                let chain = iteration % chains
                let edge = tuple("group:c\(chain)-12", "member", "group:extra\(iteration)#member")
                try target.write(WriteBatch(writes: [edge]), store: id)
                try target.write(WriteBatch(deletes: [edge.key]), store: id)
            }
        }
    }
}

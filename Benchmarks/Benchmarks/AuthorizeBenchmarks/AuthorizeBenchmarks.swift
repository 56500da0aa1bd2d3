import Benchmark
import Foundation
import Warden
import WardenConditions
import WardenEngine
import WardenModel
import WardenScopes

/// Both layers through the `Warden` facade on the care-unit package (LMDB): authorize with a token seen before
/// (verified-token cache), the check alone for comparison, and authorize with a first-seen RS256 token.
let benchmarks: @Sendable () -> Void = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models/care-unit").path
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-bench-authorize").path
    try? FileManager.default.removeItem(atPath: path)
    let warden = try! Warden(dataDirectory: path)
    let store = try! warden.createStore(name: "care-unit").id
    _ = try! warden.writeModel(try! ConditionValidation.loadValidated(path: root + "/model.fga"), store: store)
    try! warden.importTuples(try! TupleFile.load(path: root + "/tuples.yaml"), store: store)
    let tenant = try! TenantFile.load(path: root + "/tenant.yaml")
    try! warden.importTenant(tenant)
    let bindings = try! PermissionBindings.load(path: root + "/bindings.yaml")
    let object = try! ObjectRef(parsing: "history:h-100")
    let request = GrantRequest(user: "dr-kim", clientID: "mobile-app", audience: bindings.audience, requestedScopes: ["read:patient_history"])

    nonisolated(unsafe) var tokens: [String] = []
    let ready = DispatchSemaphore(value: 0)
    Task {
        // RS256 (PKCS#1 v1.5) is deterministic: distinct issue times make distinct tokens.
        for index in 0..<600 { tokens.append(try! await warden.mintToken(for: request, now: Date().addingTimeInterval(Double(-index)))) }
        ready.signal()
    }
    ready.wait()
    let repeated = tokens[0]
    nonisolated(unsafe) var next = 0
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal], timeUnits: .nanoseconds, maxDuration: .seconds(3))

    Benchmark("Check alone: history#can_read through patient and care unit (warm, cached)", configuration: configuration) { benchmark in
        let check = CheckRequest(user: .object(ObjectRef(type: "user", id: "dr-kim")), relation: "can_read", object: object)
        for _ in benchmark.scaledIterations {
            let allowed = try warden.check(check, store: store).allowed
            precondition(allowed)
        }
    }

    Benchmark("Authorize: repeated token (verified-token cache) + check", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let decision = try await warden.authorize(token: repeated, permission: "read:patient_history", object: object, store: store, bindings: bindings)
            precondition(decision.allowed)
        }
    }

    Benchmark(
        "Authorize: first-seen RS256 token + check",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, maxDuration: .seconds(3), maxIterations: 500)
    ) { benchmark in
        // A token not verified before: each run takes the next one.
        next += 1
        let token = tokens[next % tokens.count]
        let decision = try await warden.authorize(token: token, permission: "read:patient_history", object: object, store: store, bindings: bindings)
        precondition(decision.allowed)
    }
}

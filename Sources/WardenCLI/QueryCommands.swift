import ArgumentParser
import Foundation
import Warden
import WardenConditions
import WardenEngine
import WardenModel
import WardenStore

/// Where a query's model and tuples come from: a store in a data directory, or a model file and tuple files
/// with no store at all.
struct QuerySource: ParsableArguments {
    @Option(name: .customLong("data"), help: "The data directory (with --store).") var directory = "./warden-data"
    @Option(help: "The store's id or name.") var store: String?
    @Option(help: "A model file to query instead of a store (.fga, .json or fga.mod).") var model: String?
    @Option(parsing: .upToNextOption, help: "Tuple files for --model (.yaml, .json, .jsonl, .csv).") var tuples: [String] = []
    @Option(help: "Request context for conditions, a JSON object.") var context: String?
    @Option(name: .customLong("contextual-tuple"), help: "A request-scoped tuple, 'object#relation@user' (repeatable).")
    var contextualTuples: [String] = []

    func validate() throws {
        if (store == nil) == (model == nil) { throw ValidationError("give either --store (with --data) or --model") }
        if store != nil, !tuples.isEmpty { throw ValidationError("--tuples goes with --model, not --store") }
        try Self.validateContext(context)
    }

    /// `--context` must be a JSON object (a malformed one is reported with its position when parsed).
    static func validateContext(_ context: String?) throws {
        if let context, let parsed = try? JSONValue.parse(context, anyValue: true) {
            guard case .object = parsed else { throw ValidationError("--context is a JSON object, as in '{\"ip\": \"10.0.0.1\"}'") }
        }
    }

    /// The request context and contextual tuples.
    func requestExtras() throws -> (JSONValue?, [RelationshipTuple]) {
        let parsedContext = try context.map { text in try reporting { try JSONValue.parse(text) } }
        let parsedTuples = try contextualTuples.map { text in try reporting { try Self.tuple(text) } }
        return (parsedContext, parsedTuples)
    }

    /// `object#relation@user`, split on bytes: the object ends at the first `#` (ids hold none), the relation at
    /// the next `@` (relations hold none); the user may hold both (`user:anne@example.com`, `group:eng#member`).
    static func tuple(_ text: String) throws -> RelationshipTuple {
        guard let (object, rest) = text.splitOnce(at: UInt8(ascii: "#")), let (relation, user) = rest.splitOnce(at: UInt8(ascii: "@"))
        else {
            throw ValidationError("a contextual tuple is written object#relation@user, as in document:1#viewer@user:anne")
        }
        return RelationshipTuple(try TupleKey(object: object, relation: relation, user: user))
    }

    /// Runs `body` with a compiled model and a snapshot from the chosen source.
    func withSnapshot<Result>(
        _ body: (CheckEngine, CompiledModel, any TupleSnapshot, String?) throws -> Result
    ) throws -> Result {
        if let store {
            let warden = try DataOptions.open(directory, readOnly: true)
            let info = try reporting { try warden.resolveStore(store) }
            let compiled = try reporting { try warden.model(store: info.id) }
            return try Self.read(warden.tuples, info.id) { snapshot in try body(warden.engine, compiled, snapshot, info.id) }
        }
        let parsed = try ModelFileArgument.load(path: model!, validate: true)
        let compiled = CompiledModel(parsed)
        var written: [RelationshipTuple] = []
        for file in tuples { written += try reporting { try TupleFile.load(path: file) } }
        for tuple in written { try reporting { try compiled.validator.validate(tuple) } }
        let memory = MemoryTupleStore()
        let id = try memory.createStore(name: "cli").id
        _ = try reporting { try memory.write(WriteBatch(writes: written, onDuplicate: .ignore), store: id) }
        return try Self.read(memory, id) { snapshot in try body(WardenDefaults.engine(), compiled, snapshot, nil) }
    }

    private static func read<Store: TupleStore, Result>(
        _ store: Store, _ id: String, _ body: (any TupleSnapshot) throws -> Result
    ) throws -> Result {
        try reporting { try store.read(store: id) { snapshot in try body(snapshot) } }
    }
}

/// Engine calls with an opened snapshot (generic, so the existential is opened once here).
enum Queries {
    static func check<S: TupleSnapshot>(_ engine: CheckEngine, _ request: CheckRequest, _ model: CompiledModel, _ snapshot: S, _ store: String?, explain: Bool) throws -> CheckResult {
        try engine.check(request, model: model, snapshot: snapshot, storeID: store, explain: explain)
    }

    static func listObjects<S: TupleSnapshot>(_ engine: CheckEngine, _ request: ListObjectsRequest, _ model: CompiledModel, _ snapshot: S, deadline: ContinuousClock.Instant?) throws -> ListObjectsResult {
        try engine.listObjects(request, model: model, snapshot: snapshot, deadline: deadline)
    }

    static func listUsers<S: TupleSnapshot>(_ engine: CheckEngine, _ request: ListUsersRequest, _ model: CompiledModel, _ snapshot: S) throws -> [UserRef] {
        try engine.listUsers(request, model: model, snapshot: snapshot)
    }

    static func expand<S: TupleSnapshot>(_ engine: CheckEngine, _ relation: String, _ object: ObjectRef, _ model: CompiledModel, _ snapshot: S) throws -> UsersetTree {
        try engine.expand(relation: relation, object: object, model: model, snapshot: snapshot)
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Does USER have RELATION on OBJECT?",
        discussion: "Exits 0 when allowed, 1 when denied, 2 on bad input or an error (never a silent no).")

    @Argument(help: "type:id, type:* or type:id#relation.") var user: String
    @Argument var relation: String
    @Argument(help: "type:id.") var object: String
    @Flag(help: "Print the path that grants access, or every branch tried.") var explain = false
    @Option(help: "text or json.") var output: OutputFormat = .text
    @OptionGroup var source: QuerySource

    func run() throws {
        let (context, contextual) = try source.requestExtras()
        let request = try reporting {
            CheckRequest(user: try UserRef(parsing: user), relation: relation, object: try ObjectRef(parsing: object), context: context, contextualTuples: contextual)
        }
        let result = try source.withSnapshot { engine, model, snapshot, store in
            try reporting { try Queries.check(engine, request, model, snapshot, store, explain: explain) }
        }
        switch output {
        case .text:
            print(result.allowed ? "allowed" : "denied")
            if let explanation = result.explanation {
                print((result.allowed ? explanation.grantingPath : explanation).rendered())
            }
        case .json:
            var members: [(String, JSONValue)] = [("allowed", .bool(result.allowed))]
            if let explanation = result.explanation {
                members.append(("explanation", .string((result.allowed ? explanation.grantingPath : explanation).rendered())))
            }
            print(JSONValue.object(members).formatted())
        }
        if !result.allowed { throw WardenExit.negative }
    }
}

struct ListObjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-objects", abstract: "The objects of TYPE on which USER has RELATION.",
        discussion: "When the answer stops early (--max-results or --timeout) it says so and prints a --continuation token.")

    @Argument var user: String
    @Argument var relation: String
    @Argument var type: String
    @Option(help: "Most objects to return.") var maxResults = 1000
    @Option(help: "Stop after this many milliseconds.") var timeout: Int?
    @Option(help: "Resume after a previous, incomplete answer.") var continuation: String?
    @Option(help: "text or json.") var output: OutputFormat = .text
    @OptionGroup var source: QuerySource

    func validate() throws {
        if maxResults < 1 { throw ValidationError("--max-results must be at least 1") }
        if let timeout, timeout < 0 { throw ValidationError("--timeout is a number of milliseconds, 0 or more") }
    }

    func run() throws {
        let (context, contextual) = try source.requestExtras()
        let request = try reporting {
            ListObjectsRequest(user: try UserRef(parsing: user), relation: relation, objectType: type, context: context, contextualTuples: contextual, maximumResults: maxResults, continuation: continuation)
        }
        let deadline = timeout.map { ContinuousClock.now + .milliseconds($0) }
        let result = try source.withSnapshot { engine, model, snapshot, _ in
            try reporting { try Queries.listObjects(engine, request, model, snapshot, deadline: deadline) }
        }
        switch output {
        case .text:
            for object in result.objects { print(object) }
            if let token = result.continuation { StandardError.write("incomplete: more objects follow; continue with --continuation \(token)") }
        case .json:
            var members: [(String, JSONValue)] = [("objects", .array(result.objects.map(JSONValue.string))), ("complete", .bool(result.isComplete))]
            if let token = result.continuation { members.append(("continuation", .string(token))) }
            print(JSONValue.object(members).formatted())
        }
    }
}

struct ListUsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-users", abstract: "The users (of the --filter types) that have RELATION on OBJECT.")

    @Argument var object: String
    @Argument var relation: String
    @Option(name: .customLong("filter"), help: "A user type or userset type, 'user' or 'group#member' (repeatable).")
    var filters: [String]
    @Option(help: "text or json.") var output: OutputFormat = .text
    @OptionGroup var source: QuerySource

    func validate() throws {
        if filters.isEmpty { throw ValidationError("give at least one --filter") }
    }

    func run() throws {
        let (context, contextual) = try source.requestExtras()
        let parsedFilters = try filters.map { text in
            let (type, relation) = text.splitOnce(at: UInt8(ascii: "#")).map { ($0.before, Optional($0.after)) } ?? (text, nil)
            guard !type.isEmpty, relation.map({ !$0.isEmpty }) ?? true else {
                throw ValidationError("a --filter is a type (user) or a userset type (group#member), not '\(text)'")
            }
            return ListUsersRequest.Filter(type: type, relation: relation)
        }
        let request = try reporting {
            ListUsersRequest(object: try ObjectRef(parsing: object), relation: relation, filters: parsedFilters, context: context, contextualTuples: contextual)
        }
        let users = try source.withSnapshot { engine, model, snapshot, _ in
            try reporting { try Queries.listUsers(engine, request, model, snapshot) }
        }
        switch output {
        case .text: for user in users { print(user) }
        case .json: print(JSONValue.object([("users", .array(users.map { .string($0.description) }))]).formatted())
        }
    }
}

struct ExpandCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expand", abstract: "Print the userset tree of RELATION on OBJECT, one level deep (JSON).")

    @Argument var relation: String
    @Argument var object: String
    @OptionGroup var source: QuerySource

    func run() throws {
        let parsed = try reporting { try ObjectRef(parsing: object) }
        let tree = try source.withSnapshot { engine, model, snapshot, _ in
            try reporting { try Queries.expand(engine, relation, parsed, model, snapshot) }
        }
        print(JSONValue.object([("tree", .object([("root", tree.json)]))]).formatted())
    }
}

import Foundation
import WardenEngine
import WardenModel
import WardenStore

/// `warden bench --generate`: a population and a request mix synthesised from a model alone, deterministic for a
/// seed, for teams that want numbers before they have data.
///
/// - Every type gets ``Options/objects`` objects (`type:0`, `type:1`, …).
/// - Every relation with type restrictions gets, per object, 1 to ``Options/fanout`` tuples (or its own, from
///   ``Options/relations``), each naming a user of
///   a restriction picked at random: a wildcard (`user:*`) only for ``Options/wildcards`` of them, a conditioned
///   restriction for ``Options/conditioned`` of them (or always, when it is the only kind). An object of the
///   relation's own type is picked further along the list, so parents and nested groups form chains about
///   ``Options/depth`` hops long, never cycles.
/// - Requests are checks of every relation, on objects drawn with a Zipf law (``Options/zipf``: a few hot keys),
///   by users of types that hold no relation of their own; each is answered once on the generated data, and the
///   mix takes ``Options/allowed`` of its checks from those answered yes (as many as there are, when fewer).
/// - When the model has conditions, every request carries a context with a value for each parameter of each
///   condition, drawn by type (timestamps within a day, so time windows hold for some requests and not others).
public struct BenchGenerator: Sendable {
    /// The shape of the synthetic population and mix.
    public struct Options: Sendable {
        public var objects = 1_000
        public var fanout = 3
        public var depth = 3
        public var wildcards = 0.02
        public var conditioned = 0.2
        public var allowed = 0.5
        public var zipf = 1.0
        public var requests = 1_000
        public var seed: UInt64 = 1
        /// Fan-out and chain depth for particular relations (`group#member`), instead of ``fanout`` and ``depth``.
        public var relations: [String: (fanout: Int, depth: Int)] = [:]
        public init() {}
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// - Throws: ``BenchFailure`` when the model has no relation to ask about.
    public func workload(model: AuthorizationModel, name: String) throws -> BenchWorkload {
        var random = SplitMix64(seed: options.seed)
        let objects = max(1, options.objects)
        let tuples = population(model, objects, &random)
        let userTypes = model.typeDefinitions.filter(\.relations.isEmpty).map(\.name)
        let askers = userTypes.isEmpty ? model.typeDefinitions.map(\.name) : userTypes
        let asked = model.typeDefinitions.flatMap { type in type.relations.map { (type.name, $0.name) } }
        guard !asked.isEmpty else { throw BenchFailure(description: "the model defines no relation to ask about") }

        // Checks answered on the generated data: a "yes" is found through ListObjects for a drawn user, a "no"
        // by checking a drawn object; drawing stops when both shares are full or after 20 tries per check.
        let data = try Oracle(model: model, tuples: tuples)
        let hot = Zipf(count: objects, exponent: options.zipf)
        let wanted = max(1, options.requests)
        let yesWanted = Int((Double(wanted) * options.allowed).rounded())
        var yes: [CheckRequest] = [], no: [CheckRequest] = []
        var tries = 0
        while yes.count < yesWanted || no.count < wanted - yesWanted, tries < wanted * 20 {
            tries += 1
            let (type, relation) = asked[Int(random.next() % UInt64(asked.count))]
            let asker = askers[Int(random.next() % UInt64(askers.count))]
            let user = UserRef.object(ObjectRef(type: asker, id: String(hot.draw(&random))))
            let context = context(model, &random)
            if yes.count < yesWanted {
                let reachable = data.objects(user, relation, type, context)
                if !reachable.isEmpty, let object = try? ObjectRef(parsing: reachable[Int(random.next() % UInt64(reachable.count))]) {
                    yes.append(CheckRequest(user: user, relation: relation, object: object, context: context))
                    continue
                }
            }
            let request = CheckRequest(user: user, relation: relation, object: ObjectRef(type: type, id: String(hot.draw(&random))), context: context)
            if data.allows(request) {
                if yes.count < yesWanted { yes.append(request) }
            } else if no.count < wanted - yesWanted {
                no.append(request)
            }
        }
        // Interleaved, so a short run sees both kinds of answer.
        var requests: [CheckRequest] = []
        var yesIndex = 0, noIndex = 0
        while yesIndex < yes.count || noIndex < no.count {
            let takeYes = noIndex >= no.count || (yesIndex < yes.count && yesIndex * no.count <= noIndex * yes.count)
            if takeYes { requests.append(yes[yesIndex]); yesIndex += 1 } else { requests.append(no[noIndex]); noIndex += 1 }
        }
        let yesCount = yes.count
        let share = requests.isEmpty ? 0 : Double(yesCount) / Double(requests.count)
        return BenchWorkload(
            description: "generated from \(name): \(objects) objects per type, fan-out ≤ \(options.fanout), depth ~\(options.depth), "
                + "\(tuples.count) tuples; \(requests.count) checks, \(Int((share * 100).rounded()))% allowed, Zipf \(options.zipf), seed \(options.seed)",
            model: model, tuples: tuples, requests: requests.map { .check($0) })
    }

    private func population(_ model: AuthorizationModel, _ objects: Int, _ random: inout SplitMix64) -> [RelationshipTuple] {
        var tuples: [RelationshipTuple] = []
        var seen = Set<TupleKey>()
        for type in model.typeDefinitions {
            for relation in type.relations where !relation.directlyRelatedUserTypes.isEmpty {
                let shape = options.relations["\(type.name)#\(relation.name)"] ?? (options.fanout, options.depth)
                let span = max(2, 2 * objects / max(1, shape.depth))
                let restrictions = relation.directlyRelatedUserTypes
                let plain = restrictions.filter { !$0.wildcard && $0.condition == nil }
                let wildcards = restrictions.filter { $0.wildcard && $0.condition == nil }
                let conditioned = restrictions.filter { $0.condition != nil }
                for index in 0..<objects {
                    for _ in 0..<(1 + Int(random.next() % UInt64(max(1, shape.fanout)))) {
                        let roll = random.unit()
                        let pool = !wildcards.isEmpty && roll < options.wildcards ? wildcards
                            : !conditioned.isEmpty && (plain.isEmpty || roll > 1 - options.conditioned) ? conditioned
                            : plain.isEmpty ? wildcards : plain
                        guard !pool.isEmpty else { continue }
                        let restriction = pool[Int(random.next() % UInt64(pool.count))]
                        let target: Int
                        if restriction.type == type.name {
                            // Further along the list only: chains, not cycles.
                            guard index + 1 < objects else { continue }
                            target = min(objects - 1, index + 1 + Int(random.next() % UInt64(span)))
                        } else {
                            target = Int(random.next() % UInt64(objects))
                        }
                        let user: UserRef =
                            if restriction.wildcard { .wildcard(type: restriction.type) }
                            else if let userset = restriction.relation { .userset(ObjectRef(type: restriction.type, id: String(target)), relation: userset) }
                            else { .object(ObjectRef(type: restriction.type, id: String(target))) }
                        let key = TupleKey(object: ObjectRef(type: type.name, id: String(index)), relation: relation.name, user: user)
                        guard seen.insert(key).inserted else { continue }
                        tuples.append(RelationshipTuple(key, condition: restriction.condition.map { TupleCondition(name: $0) }))
                    }
                }
            }
        }
        return tuples
    }

    /// A value for every parameter of every condition, or nil when the model has none.
    private func context(_ model: AuthorizationModel, _ random: inout SplitMix64) -> JSONValue? {
        guard !model.conditions.isEmpty else { return nil }
        var members: [(String, JSONValue)] = []
        var named = Set<String>()
        for condition in model.conditions {
            for parameter in condition.parameters where named.insert(parameter.name).inserted {
                members.append((parameter.name, Self.value(parameter.type, &random)))
            }
        }
        return .object(members)
    }

    private static func value(_ type: ConditionParameterType, _ random: inout SplitMix64) -> JSONValue {
        switch type {
        case .bool: return .bool(random.next() & 1 == 0)
        case .string, .any: return .string("value\(random.next() % 10)")
        case .int: return .number(String(Int(random.next() % 200) - 100))
        case .uint: return .number(String(random.next() % 200))
        case .double: return .number(String(format: "%.3f", random.unit() * 100))
        case .duration: return .string("\(1 + random.next() % 48)h")
        case .timestamp:
            let seconds = 1_795_000_000 + Int(random.next() % 86_400)
            return .string(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
        case .ipaddress: return .string("10.0.\(random.next() % 4).\(random.next() % 250 + 1)")
        case .list: return .array([])
        case .map: return .object([])
        }
    }

    /// The generated data in a memory store, asked by the embedded engine; an error counts as "no".
    private struct Oracle {
        let model: CompiledModel
        let store = MemoryTupleStore()
        let id: String
        let engine = WardenDefaults.engine()

        init(model: AuthorizationModel, tuples: [RelationshipTuple]) throws {
            self.model = CompiledModel(model)
            id = try store.createStore(name: "generated").id
            if !tuples.isEmpty { try store.write(WriteBatch(writes: tuples, onDuplicate: .ignore), store: id) }
        }

        func allows(_ request: CheckRequest) -> Bool {
            (try? store.read(store: id) { try engine.check(request, model: model, snapshot: $0).allowed }) ?? false
        }

        func objects(_ user: UserRef, _ relation: String, _ type: String, _ context: JSONValue?) -> [String] {
            let request = ListObjectsRequest(user: user, relation: relation, objectType: type, context: context, maximumResults: 100)
            return (try? store.read(store: id) { try engine.listObjects(request, model: model, snapshot: $0).objects }) ?? []
        }
    }
}

/// Draws 0..<count with probability proportional to 1/(k+1)^exponent: 0 is the hottest key.
struct Zipf {
    private let cumulative: [Double]

    init(count: Int, exponent: Double) {
        var total = 0.0
        cumulative = (0..<count).map { rank in
            total += 1 / pow(Double(rank + 1), exponent)
            return total
        }
    }

    func draw(_ random: inout SplitMix64) -> Int {
        let target = random.unit() * (cumulative.last ?? 0)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

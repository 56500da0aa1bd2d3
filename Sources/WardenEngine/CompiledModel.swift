import WardenModel
import WardenConditions

/// An authorization model prepared for evaluation: relations looked up by name in one step, type restrictions
/// grouped by kind, and the reverse edges ListObjects walks. Built once per model; immutable and `Sendable`.
public final class CompiledModel: Sendable {
    /// The model's id in its store ("" when it was never stored).
    public let id: String
    /// ``id`` as the check cache keys it, made once (so concurrent checks share no string to count references on).
    let cacheID: CheckCache.PackedID
    /// The model as written.
    public let model: AuthorizationModel
    /// Every type's position in ``relationTable``, by name, byte for byte.
    private let types: NameTable<Int>
    /// Each type's relations by name, byte for byte: a type and a relation lookup per check step, each a scan of a
    /// few fingerprints in the usual small model.
    private let relationTable: RelationTable
    /// Conditions by name, byte for byte.
    private let conditions: [ByteString: ConditionDefinition]
    /// Validates tuples against this model (writes and contextual tuples).
    public let validator: TupleValidator
    /// For each user kind (`user`, `user:*`, `group#member`): the (object type, relation) pairs that accept it.
    let directEdges: [ByteString: [RelationRef]]
    /// For each (type, relation): relations on the same type that rewrite to it (`define viewer: editor`).
    let computedEdges: [RelationRef: [RelationRef]]
    /// For each (parent type, relation): (child type, relation, tupleset) where `relation from tupleset` is used.
    let tupleToUsersetEdges: [RelationRef: [(child: RelationRef, tupleset: String)]]
    /// For each (type, relation): the kinds of user it can reach at all — `user` for users and wildcards of that
    /// type, `group#member` for usersets (its own included) — so walks can skip branches that cannot produce what is asked for.
    let reachableUserKinds: [RelationRef: Set<ByteString>]

    public init(_ model: AuthorizationModel, id: String = "") {
        self.id = id
        self.cacheID = CheckCache.PackedID(id)
        self.model = model
        self.validator = TupleValidator(model: model, contextCheck: ConditionValidation.contextProblem)
        self.conditions = Dictionary(model.conditions.map { (ByteString($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        var directEdges: [ByteString: [RelationRef]] = [:]
        var computedEdges: [RelationRef: [RelationRef]] = [:]
        var tupleToUsersetEdges: [RelationRef: [(child: RelationRef, tupleset: String)]] = [:]
        var definitions: [RelationRef: RelationDefinition] = [:]
        for type in model.typeDefinitions {
            for relation in type.relations {
                let key = RelationRef(type: type.name, relation: relation.name)
                if definitions[key] == nil { definitions[key] = relation }
            }
        }
        var relations: [RelationRef: CompiledRelation] = [:]
        for type in model.typeDefinitions {
            for relation in type.relations {
                let key = RelationRef(type: type.name, relation: relation.name)
                if relations[key] == nil {
                    relations[key] = CompiledRelation(
                        relation, on: type, twoHop: TwoHopRelation(relation, on: type.name, definitions: definitions))
                }
            }
        }
        var types = NameTable<Int>()
        var relationsByType: [[(name: String, relation: CompiledRelation)]] = []
        for type in model.typeDefinitions {
            // A type defined twice (a model no validator passes) keeps the first definition of each relation.
            let index = types[type.name] ?? relationsByType.count
            if index == relationsByType.count {
                types.insert(type.name, index)
                relationsByType.append([])
            }
            for relation in type.relations {
                if let compiled = relations[RelationRef(type: type.name, relation: relation.name)] {
                    relationsByType[index].append((relation.name, compiled))
                }
            }
        }
        self.types = types
        self.relationTable = RelationTable(relationsByType)
        for type in model.typeDefinitions {
            for relation in type.relations {
                let here = RelationRef(type: type.name, relation: relation.name)
                for restriction in relation.directlyRelatedUserTypes {
                    directEdges[ByteString(restriction.userTypeText), default: []].append(here)
                }
                Self.walk(relation.rewrite) { leaf in
                    switch leaf {
                    case .computedUserset(let target, _):
                        computedEdges[RelationRef(type: type.name, relation: target), default: []].append(here)
                    case .tupleToUserset(let tupleset, let computed, _, _):
                        for parent in relations[RelationRef(type: type.name, relation: tupleset)]?.directTypes ?? []
                        where parent.relation == nil && !parent.wildcard {
                            tupleToUsersetEdges[RelationRef(type: parent.type, relation: computed), default: []]
                                .append((here, tupleset))
                        }
                    default: break
                    }
                }
            }
        }
        self.reachableUserKinds = Self.reachableUserKinds(model, relations)
        self.directEdges = directEdges
        self.computedEdges = computedEdges
        self.tupleToUsersetEdges = tupleToUsersetEdges
    }

    /// The least fixpoint of "which user kinds can this relation reach": direct restrictions give their kind (a
    /// userset also gives what its relation reaches); computed, tuple-to-userset and set operations pass kinds up.
    private static func reachableUserKinds(
        _ model: AuthorizationModel, _ relations: [RelationRef: CompiledRelation]
    ) -> [RelationRef: Set<ByteString>] {
        var kinds: [RelationRef: Set<ByteString>] = [:]
        var changed = true
        while changed {
            changed = false
            for type in model.typeDefinitions {
                for relation in type.relations {
                    let here = RelationRef(type: type.name, relation: relation.name)
                    // A relation always reaches its own userset (`folder:x#viewer` has viewer on folder:x).
                    var found = kinds[here] ?? [ByteString("\(type.name)#\(relation.name)")]
                    let before = kinds[here]?.count ?? 0
                    walk(relation.rewrite) { leaf in
                        switch leaf {
                        case .direct:
                            for restriction in relation.directlyRelatedUserTypes {
                                if let usersetRelation = restriction.relation {
                                    found.insert(ByteString("\(restriction.type)#\(usersetRelation)"))
                                    found.formUnion(kinds[RelationRef(type: restriction.type, relation: usersetRelation)] ?? [])
                                } else {
                                    found.insert(ByteString(restriction.type))
                                }
                            }
                        case .computedUserset(let target, _):
                            found.formUnion(kinds[RelationRef(type: type.name, relation: target)] ?? [])
                        case .tupleToUserset(let tupleset, let computed, _, _):
                            for parent in relations[RelationRef(type: type.name, relation: tupleset)]?.directTypes ?? [] {
                                found.formUnion(kinds[RelationRef(type: parent.type, relation: computed)] ?? [])
                            }
                        default: break
                        }
                    }
                    if found.count != before {
                        kinds[here] = found
                        changed = true
                    }
                }
            }
        }
        return kinds
    }

    /// Whether `type#relation` can reach users of `userType` (or, with `userRelation`, that userset kind).
    func canReach(_ type: String, _ relation: String, userType: String, userRelation: String?) -> Bool {
        guard let kinds = reachableUserKinds[RelationRef(type: type, relation: relation)] else { return false }
        if let userRelation, kinds.contains(ByteString("\(userType)#\(userRelation)")) { return true }
        return kinds.contains(ByteString(userType))
    }

    private static func walk(_ rewrite: Rewrite, _ visit: (Rewrite) -> Void) {
        visit(rewrite)
        for child in rewrite.children { walk(child, visit) }
    }

    /// The relation `name` of `type`, matched byte for byte (the Kelvin sign does not find `K`).
    func relation(_ type: String, _ name: String) -> CompiledRelation? {
        guard let index = types[type] else { return nil }
        return relationTable.relation(type: index, name)
    }

    /// Whether relation `name` of `type` has only direct tuples (nil when the model does not define it), without
    /// counting a reference on the relation.
    func relationIsTerminal(_ type: String, _ name: String) -> Bool? {
        guard let index = types[type] else { return nil }
        return relationTable.isTerminal(type: index, name)
    }

    /// Whether the model defines `type` (byte for byte).
    public func hasType(_ type: String) -> Bool { types.index(of: type) != nil }

    /// Whether a stored tuple still counts under this model: some type restriction of its relation admits its
    /// user, with the same condition (OpenFGA ignores tuples a newer model no longer allows).
    func admits(_ tuple: RelationshipTuple, in relation: CompiledRelation) -> Bool {
        admits(tuple.key.user, condition: tuple.condition?.name, in: relation)
    }

    /// ``admits(_:in:)`` for a tuple given by its user and its condition's name.
    func admits(_ user: UserRef, condition: String?, in relation: CompiledRelation) -> Bool {
        relation.directTypes.contains { restriction in
            TupleValidator.restriction(restriction, accepts: user) && Self.sameName(restriction.condition, condition)
        }
    }

    /// Two optional names, equal when both are absent or their bytes are equal.
    private static func sameName(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): true
        case (let lhs?, let rhs?): lhs.bytesEqual(rhs)
        default: false
        }
    }

    /// The condition named `name` (byte for byte).
    func condition(named name: String) -> ConditionDefinition? { conditions[ByteString(name)] }
}

/// A relation on a type, `document#viewer`.
/// A (type, relation) pair whose identity is its bytes: a dictionary key that never matches a canonically
/// equivalent spelling (the Kelvin sign does not find `K`).
struct RelationRef: Hashable, Sendable {
    var type: String
    var relation: String

    static func == (lhs: RelationRef, rhs: RelationRef) -> Bool {
        lhs.type.bytesEqual(rhs.type) && lhs.relation.bytesEqual(rhs.relation)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(relation)
    }
}

/// One relation, ready to evaluate. A class: a check looks relations up many times, and handing out one
/// reference costs a retain where copying the fields cost one per field.
final class CompiledRelation: Sendable {
    let name: String
    /// How OpenFGA's recursive fast path answers it, when it does.
    let fastPath: RecursiveFastPath?
    let rewrite: Rewrite
    let directTypes: [TypeRestriction]
    /// Types whose wildcard the relation accepts (`user:*`); a handful at most, compared by bytes.
    private let wildcardTypes: [String]
    /// Userset restrictions (`group#member`), deduplicated, in declaration order.
    let usersetRestrictions: [RelationRef]
    /// Direct tuples only, no usersets: evaluating it never asks another subproblem, so it needs no memo entry.
    let isTerminal: Bool
    /// Direct types and its own userset, none conditioned (`define member: [user, group#member]`): the store's
    /// nested-group index can answer it.
    let nestsOwnGroups: Bool
    /// `computed from tupleset` over direct tuples on both hops: answered without a walk.
    let twoHop: TwoHopRelation?

    init(_ definition: RelationDefinition, on type: TypeDefinition, twoHop: TwoHopRelation? = nil) {
        name = definition.name
        self.twoHop = twoHop
        fastPath = RecursiveFastPath(definition, on: type)
        rewrite = definition.rewrite
        directTypes = definition.directlyRelatedUserTypes
        wildcardTypes = directTypes.filter(\.wildcard).map(\.type)
        var seen = Set<RelationRef>()
        usersetRestrictions = directTypes.compactMap { restriction in
            guard let relation = restriction.relation else { return nil }
            let ref = RelationRef(type: restriction.type, relation: relation)
            return seen.insert(ref).inserted ? ref : nil
        }
        if case .direct = rewrite { isTerminal = usersetRestrictions.isEmpty } else { isTerminal = false }
        if let fastPath, case .userset = fastPath.recursion, fastPath.operands.count == 1, case .direct = fastPath.operands[0],
            directTypes.allSatisfy({ $0.condition == nil })
        {
            nestsOwnGroups = true
        } else {
            nestsOwnGroups = false
        }
    }

    /// Whether the relation accepts the wildcard of `type` (`user:*`).
    func admitsWildcard(of type: String) -> Bool { wildcardTypes.contains { $0.bytesEqual(type) } }
}

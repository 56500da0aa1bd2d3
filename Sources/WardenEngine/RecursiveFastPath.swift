import WardenModel

/// The relations OpenFGA answers through its recursive fast paths, and what that changes in its answers.
///
/// A relation that recurses through itself, `define viewer: [user] or viewer from parent` (with `parent: [folder]`
/// only) or `define member: [user, group#member]`, whose other operands each reach the user in one tuple (direct
/// types, or `and`/`but not`/computed relations over them), is resolved by OpenFGA from the user's side: it first
/// reads the objects the user is directly related to, then walks the chain. Two answers follow, and Warden gives
/// the same ones:
/// - a user with no such tuple at all gets "no", even where the chain is longer than the depth limit;
/// - the chain may be 25 hops long; the 26th is the depth error (elsewhere the 25th already is).
///
/// `seeds[userType]` lists the relations of the same type whose direct tuples start the recursion for users of
/// that type. Warden reads them only when the walk runs into the depth limit, so the hot path pays nothing.
struct RecursiveFastPath: Sendable {
    let seeds: [String: [String]]

    /// The fast path of `relation` on `type`, or nil when OpenFGA would walk it the ordinary way.
    init?(_ relation: RelationDefinition, on type: TypeDefinition) {
        var analysis = Analysis(type: type, recursive: relation.name)
        guard analysis.recursiveOperands(relation.rewrite, owner: relation.name), analysis.recursionEdges == 1,
            !analysis.seeds.isEmpty
        else { return nil }
        seeds = analysis.seeds.mapValues { Array($0).sorted() }
    }

    /// Walks a relation's rewrite: the one recursive edge, and operands that reach a user in one tuple.
    private struct Analysis {
        let type: TypeDefinition
        let recursive: String
        var recursionEdges = 0
        var seeds: [String: Set<String>] = [:]
        var visiting: Set<String> = []

        init(type: TypeDefinition, recursive: String) {
            self.type = type
            self.recursive = recursive
        }

        /// The top level: a union (or a lone direct assignment) holding the recursive edge.
        mutating func recursiveOperands(_ rewrite: Rewrite, owner: String) -> Bool {
            switch rewrite {
            case .union(let children):
                return children.allSatisfy { child in
                    if case .tupleToUserset(let tupleset, let computed, _, _) = child, computed == recursive {
                        return recursiveParent(tupleset)
                    }
                    return weightOne(child, owner: owner, top: true)
                }
            case .direct: return weightOne(rewrite, owner: owner, top: true)
            default: return false
            }
        }

        /// `computed from tupleset` recurses when the tupleset admits only this type, unconditioned.
        mutating func recursiveParent(_ tupleset: String) -> Bool {
            guard let parent = type.relation(named: tupleset), case .direct = parent.rewrite,
                !parent.directlyRelatedUserTypes.isEmpty,
                parent.directlyRelatedUserTypes.allSatisfy({
                    $0.type == type.name && $0.relation == nil && !$0.wildcard && $0.condition == nil
                })
            else { return false }
            recursionEdges += 1
            return true
        }

        /// Whether `rewrite` reaches users in one tuple (OpenFGA's weight 1), recording the relations that can grant
        /// (not those only subtracted).
        mutating func weightOne(_ rewrite: Rewrite, owner: String, top: Bool = false, granting: Bool = true) -> Bool {
            switch rewrite {
            case .direct:
                guard let relation = type.relation(named: owner) else { return false }
                for restriction in relation.directlyRelatedUserTypes {
                    if let usersetRelation = restriction.relation {
                        // The recursive userset (`group#member` inside `group#member`) is the recursion itself.
                        guard top, owner == recursive, restriction.type == type.name, usersetRelation == recursive else {
                            return false
                        }
                        recursionEdges += 1
                    } else if granting {
                        seeds[restriction.type, default: []].insert(owner)
                    }
                }
                return true
            case .computedUserset(let target, _):
                guard target != recursive, visiting.insert(target).inserted, let relation = type.relation(named: target)
                else { return false }
                defer { visiting.remove(target) }
                return weightOne(relation.rewrite, owner: target, granting: granting)
            case .tupleToUserset:
                return false
            case .union(let children), .intersection(let children):
                return children.allSatisfy { weightOne($0, owner: owner, granting: granting) }
            case .exclusion(let base, let subtract):
                return weightOne(base, owner: owner, granting: granting) && weightOne(subtract, owner: owner, granting: false)
            }
        }
    }
}

import WardenModel

/// The relations OpenFGA answers through its recursive fast path, and how it walks them.
///
/// A relation that recurses through itself, `define viewer: [user] or viewer from parent` (with `parent: [folder]`
/// only) or `define member: [user, group#member]`, whose other operands each reach the user in one tuple (direct
/// types, or `and`/`but not`/computed relations over them), is resolved by OpenFGA from both ends (its
/// `recursiveFastPath`): the objects the user reaches directly (the *seeds*), and the chain of parents (or nested
/// usersets) from the object, level by level, breadth first. Its answers differ from an ordinary walk in three ways,
/// and Warden gives the same ones (``Walk`` runs the same search):
/// - a user with no seed at all gets "no" at once, however long the chain;
/// - a seed found at the 25th level is found; the search stops with the depth error when it would start a 25th level;
/// - the search meets no cycle: a level only holds objects not visited before, so a loop answers a plain "no".
struct RecursiveFastPath: Sendable {
    /// How the relation recurses.
    enum Recursion: Sendable {
        /// `relation from tupleset`, where the tupleset admits only this type.
        case parent(tupleset: String)
        /// `[type#relation]` in its own type restrictions.
        case userset(RelationRef)
    }

    let recursion: Recursion
    /// The operands besides the recursion: what makes an object a seed. A `.direct` operand excludes the recursive
    /// userset.
    let operands: [Rewrite]
    /// Per user type, the relations of the same type whose direct tuples can make an object a seed.
    let seeds: [ByteString: [String]]

    /// The fast path of `relation` on `type`, or nil when OpenFGA would walk it the ordinary way.
    init?(_ relation: RelationDefinition, on type: TypeDefinition) {
        var analysis = Analysis(type: type, recursive: relation.name)
        guard let (recursion, operands) = analysis.recursiveOperands(relation.rewrite), analysis.recursionEdges == 1,
            !analysis.seeds.isEmpty
        else { return nil }
        self.recursion = recursion
        self.operands = operands
        seeds = analysis.seeds.mapValues { $0.map(\.value).sorted { $0.bytesPrecede($1) } }
    }

    /// Walks a relation's rewrite: the one recursive edge, and operands that reach a user in one tuple.
    private struct Analysis {
        let type: TypeDefinition
        let recursive: String
        var recursionEdges = 0
        var seeds: [ByteString: Set<ByteString>] = [:]
        var visiting: Set<ByteString> = []
        var usersetRecursion = false

        init(type: TypeDefinition, recursive: String) {
            self.type = type
            self.recursive = recursive
        }

        /// The top level: a union (or a lone direct assignment) holding the recursive edge.
        mutating func recursiveOperands(_ rewrite: Rewrite) -> (Recursion, [Rewrite])? {
            switch rewrite {
            case .union(let children):
                var recursion: Recursion?
                var operands: [Rewrite] = []
                for child in children {
                    if case .tupleToUserset(let tupleset, let computed, _, _) = child, computed.bytesEqual(recursive) {
                        guard recursiveParent(tupleset) else { return nil }
                        recursion = .parent(tupleset: tupleset)
                    } else {
                        guard weightOne(child, owner: recursive, top: true) else { return nil }
                        operands.append(child)
                    }
                }
                if usersetRecursion { recursion = .userset(RelationRef(type: type.name, relation: recursive)) }
                return recursion.map { ($0, operands) }
            case .direct:
                guard weightOne(rewrite, owner: recursive, top: true), usersetRecursion else { return nil }
                return (.userset(RelationRef(type: type.name, relation: recursive)), [rewrite])
            default:
                return nil
            }
        }

        /// `computed from tupleset` recurses when the tupleset admits only this type, unconditioned.
        mutating func recursiveParent(_ tupleset: String) -> Bool {
            guard let parent = type.relation(named: tupleset), case .direct = parent.rewrite,
                !parent.directlyRelatedUserTypes.isEmpty,
                parent.directlyRelatedUserTypes.allSatisfy({
                    $0.type.bytesEqual(type.name) && $0.relation == nil && !$0.wildcard && $0.condition == nil
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
                // Seen with fga: a relation admitting a typed wildcard is walked the ordinary way (cycles and all).
                guard !relation.directlyRelatedUserTypes.contains(where: \.wildcard) else { return false }
                for restriction in relation.directlyRelatedUserTypes {
                    if let usersetRelation = restriction.relation {
                        // The recursive userset (`group#member` inside `group#member`) is the recursion itself.
                        guard top, owner.bytesEqual(recursive), restriction.type.bytesEqual(type.name),
                            usersetRelation.bytesEqual(recursive),
                            restriction.condition == nil
                        else { return false }
                        if !usersetRecursion { recursionEdges += 1 }
                        usersetRecursion = true
                    } else if granting {
                        seeds[ByteString(restriction.type), default: []].insert(ByteString(owner))
                    }
                }
                return true
            case .computedUserset(let target, _):
                guard !target.bytesEqual(recursive), visiting.insert(ByteString(target)).inserted,
                    let relation = type.relation(named: target)
                else { return false }
                defer { visiting.remove(ByteString(target)) }
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

/// Rule family 5: every relation must be satisfiable by some tuple (an *entry point*), and a relation that can
/// only be reached through itself is reported as a potential loop.
extension ModelValidator.Collector {
    /// A (type, relation) pair visited on the current path, identified by its bytes.
    struct Node: Hashable {
        var type: ByteString
        var relation: ByteString

        init(type: String, relation: String) {
            self.type = ByteString(type)
            self.relation = ByteString(relation)
        }
    }

    mutating func checkEntryPoints() {
        for type in model.typeDefinitions {
            for relation in type.relations {
                let (hasEntry, loop) = entryPointOrLoop(
                    type: type.name, relation: relation.name, rewrite: relation.rewrite, visited: [])
                guard !hasEntry else { continue }
                let reason = loop ? "potential loop" : "no entrypoint"
                report(
                    .relationNoEntryPoint,
                    "`\(relation.name)` is an impossible relation for `\(type.name)` (\(reason)).",
                    symbol: relation.name, at: relation.nameRange)
            }
        }
    }

    /// Whether `rewrite` (of `relation` on `type`) has an entry point, and whether the search met a loop.
    ///
    /// The visited set is per path: a value copied on each call, so siblings never see each other's visits.
    func entryPointOrLoop(type: String, relation: String, rewrite: Rewrite, visited: Set<Node>) -> (Bool, Bool) {
        var visited = visited
        visited.insert(Node(type: type, relation: relation))
        guard let definition = self.relation(relation, on: type) else { return (false, false) }
        switch rewrite {
        case .direct:
            for restriction in definition.directlyRelatedUserTypes {
                guard let userset = restriction.relation, !restriction.wildcard else { return (true, false) }
                guard let target = self.relation(userset, on: restriction.type) else { return (false, false) }
                if visited.contains(Node(type: restriction.type, relation: userset)) { continue }
                if entryPointOrLoop(
                    type: restriction.type, relation: userset, rewrite: target.rewrite, visited: visited
                ).0 {
                    return (true, false)
                }
            }
            return (false, false)
        case .computedUserset(let target, _):
            guard let computed = self.relation(target, on: type) else { return (false, false) }
            if visited.contains(Node(type: type, relation: target)) { return (false, true) }
            return entryPointOrLoop(type: type, relation: target, rewrite: computed.rewrite, visited: visited)
        case .tupleToUserset(let tupleset, let target, _, _):
            guard let tuplesetRelation = self.relation(tupleset, on: type) else { return (false, false) }
            for parent in tuplesetRelation.directlyRelatedUserTypes where parent.relation == nil && !parent.wildcard {
                guard let computed = self.relation(target, on: parent.type) else { continue }
                if visited.contains(Node(type: parent.type, relation: target)) { continue }
                if entryPointOrLoop(type: parent.type, relation: target, rewrite: computed.rewrite, visited: visited)
                    .0
                {
                    return (true, false)
                }
            }
            return (false, false)
        case .union(let children):
            var loop = false
            for child in children {
                let (hasEntry, childLoop) = entryPointOrLoop(
                    type: type, relation: relation, rewrite: child, visited: visited)
                if hasEntry { return (true, false) }
                loop = loop || childLoop
            }
            return (false, loop)
        case .intersection(let children):
            for child in children {
                let (hasEntry, childLoop) = entryPointOrLoop(
                    type: type, relation: relation, rewrite: child, visited: visited)
                if !hasEntry { return (false, childLoop) }
            }
            return (true, false)
        case .exclusion(let base, let subtract):
            for side in [base, subtract] {
                let (hasEntry, loop) = entryPointOrLoop(type: type, relation: relation, rewrite: side, visited: visited)
                if !hasEntry { return (false, loop) }
            }
            return (true, false)
        }
    }
}

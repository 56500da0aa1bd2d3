/// Rule family 6: relations whose computed usersets lead back into a cycle with no tuple in between, such as
/// `define a: [user] or b` with `define b: a`.
///
/// OpenFGA's server (`HasCycle`) refuses every relation from which such a cycle can be reached along computed
/// usersets, whatever operators stand between (`or`, `and`, `but not`); tuple-to-usersets and direct type
/// restrictions end the search, since a tuple must stand there. OpenFGA's language package does not report these.
extension ModelValidator.Collector {
    mutating func checkComputedCycles() {
        for type in model.typeDefinitions {
            for name in Self.relationsReachingCycle(in: type) {
                guard let relation = relation(name, on: type.name) else { continue }
                report(
                    .relationCycle,
                    "the definition of relation '\(name)' in object type '\(type.name)' is invalid: "
                        + "an authorization model cannot contain a cycle",
                    symbol: name, at: relation.nameRange)
            }
        }
    }

    /// The relations of `type`, in definition order, from which a cycle of computed usersets can be reached.
    ///
    /// Peels off relations whose computed usersets all lead to relations already peeled (Kahn's algorithm on the
    /// computed-userset graph); what remains lies on a cycle or leads into one. Linear in the model's size.
    static func relationsReachingCycle(in type: TypeDefinition) -> [String] {
        // Names by bytes: relations differing only by Unicode normalisation are different relations.
        var targets: [ByteString: Set<ByteString>] = [:]
        for relation in type.relations where targets[ByteString(relation.name)] == nil {
            var found: Set<ByteString> = []
            collectComputedTargets(relation.rewrite, into: &found)
            targets[ByteString(relation.name)] = found
        }
        var pointedToBy: [ByteString: [ByteString]] = [:]
        var remaining: [ByteString: Int] = [:]
        for (name, outgoing) in targets {
            let known = outgoing.filter { targets[$0] != nil }
            remaining[name] = known.count
            for target in known { pointedToBy[target, default: []].append(name) }
        }
        var ready = remaining.filter { $0.value == 0 }.map(\.key)
        while let done = ready.popLast() {
            for source in pointedToBy[done] ?? [] {
                remaining[source, default: 0] -= 1
                if remaining[source] == 0 { ready.append(source) }
            }
        }
        var reported: Set<ByteString> = []
        return type.relations.map(\.name).filter {
            (remaining[ByteString($0)] ?? 0) > 0 && reported.insert(ByteString($0)).inserted
        }
    }

    private static func collectComputedTargets(_ rewrite: Rewrite, into found: inout Set<ByteString>) {
        switch rewrite {
        case .computedUserset(let target, _): found.insert(ByteString(target))
        case .union(let children), .intersection(let children):
            for child in children { collectComputedTargets(child, into: &found) }
        case .exclusion(let base, let subtract):
            collectComputedTargets(base, into: &found)
            collectComputedTargets(subtract, into: &found)
        case .direct, .tupleToUserset: break
        }
    }
}

/// A model drawn as a graph: one node per type and per relation, one edge per way a relation is reached.
///
/// Edges are labelled with how the relation is computed (`direct`, `computed`, `from parent`, with the
/// condition for `with`) and, under an operator, with it (`or`, `and`, `but not`), so a person can read a
/// model's structure at a glance. ``dot()`` and ``mermaid()`` render it.
public struct ModelGraph: Hashable, Sendable {
    /// A type (`document`) or a relation of a type (`document#viewer`).
    public struct Node: Hashable, Sendable {
        public var type: String
        public var relation: String?
        /// A stable identifier usable in DOT and Mermaid.
        public var id: String {
            let raw = relation.map { "\(type)__\(relation ?? $0)" } ?? type
            return "n_" + raw.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        }
        public var label: String { relation.map { "\(type)#\($0)" } ?? type }
    }

    /// One way `from` is computed out of `to`.
    public struct Edge: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable {
            case direct, computed, tupleToUserset
        }

        public var from: Node
        public var to: Node
        public var kind: Kind
        /// The edge's text: `direct`, `direct (wildcard)`, `computed`, `from parent`, `with cond`, and the
        /// operator it stands under.
        public var label: String
    }

    public var nodes: [Node]
    public var edges: [Edge]

    /// Builds the graph of `model`.
    public init(_ model: AuthorizationModel) {
        var nodes: [Node] = []
        var edges: [Edge] = []
        for type in model.typeDefinitions {
            nodes.append(Node(type: type.name))
            for relation in type.relations {
                let node = Node(type: type.name, relation: relation.name)
                nodes.append(node)
                ModelGraph.addEdges(
                    for: relation.rewrite, from: node, relation: relation, type: type, model: model, operator: nil,
                    into: &edges)
            }
        }
        self.nodes = nodes
        self.edges = edges
    }

    static func addEdges(
        for rewrite: Rewrite, from node: Node, relation: RelationDefinition, type: TypeDefinition,
        model: AuthorizationModel, operator op: String?, into edges: inout [Edge]
    ) {
        func label(_ text: String) -> String { op.map { "\($0): \(text)" } ?? text }
        switch rewrite {
        case .direct:
            for restriction in relation.directlyRelatedUserTypes {
                var text = restriction.wildcard ? "direct (\(restriction.type):*)" : "direct"
                if let condition = restriction.condition { text += " with \(condition)" }
                edges.append(
                    Edge(from: node, to: Node(type: restriction.type, relation: restriction.relation), kind: .direct, label: label(text)))
            }
        case .computedUserset(let target, _):
            edges.append(Edge(from: node, to: Node(type: type.name, relation: target), kind: .computed, label: label("computed")))
        case .tupleToUserset(let tupleset, let target, _, _):
            let parents = type.relation(named: tupleset)?.directlyRelatedUserTypes.filter { $0.relation == nil && !$0.wildcard } ?? []
            for parent in parents where model.typeDefinition(named: parent.type)?.relation(named: target) != nil {
                edges.append(
                    Edge(from: node, to: Node(type: parent.type, relation: target), kind: .tupleToUserset, label: label("from \(tupleset)")))
            }
        case .union(let children):
            for child in children {
                addEdges(for: child, from: node, relation: relation, type: type, model: model, operator: "or", into: &edges)
            }
        case .intersection(let children):
            for child in children {
                addEdges(for: child, from: node, relation: relation, type: type, model: model, operator: "and", into: &edges)
            }
        case .exclusion(let base, let subtract):
            addEdges(for: base, from: node, relation: relation, type: type, model: model, operator: op, into: &edges)
            addEdges(for: subtract, from: node, relation: relation, type: type, model: model, operator: "but not", into: &edges)
        }
    }
}

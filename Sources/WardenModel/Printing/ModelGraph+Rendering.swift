import Foundation

/// Rendering a ``ModelGraph`` as Graphviz DOT and as a Mermaid flowchart.
extension ModelGraph {
    /// Graphviz DOT: one cluster per type, relations as ellipses, edge styles per kind.
    public func dot() -> String {
        var out = "digraph model {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n"
        for (type, relations) in typeGroups {
            out += "  subgraph cluster_\(type.id) {\n    label=\(quoted(type.label));\n"
            out += "    \(type.id) [label=\(quoted(type.label)), shape=box, style=bold];\n"
            for relation in relations {
                out += "    \(relation.id) [label=\(quoted(relation.relation ?? "")), shape=ellipse];\n"
            }
            out += "  }\n"
        }
        for edge in edges {
            let style = switch edge.kind {
            case .direct: "solid"
            case .computed: "dashed"
            case .tupleToUserset: "dotted"
            }
            out += "  \(edge.from.id) -> \(edge.to.id) [label=\(quoted(edge.label)), style=\(style)];\n"
        }
        return out + "}\n"
    }

    /// A Mermaid flowchart: one subgraph per type; `-->` direct, `-.->` computed, `==>` tuple-to-userset.
    public func mermaid() -> String {
        var out = "flowchart LR\n"
        for (type, relations) in typeGroups {
            out += "  subgraph \(type.id)_group[\(mermaidText(type.label))]\n"
            out += "    \(type.id)[\(mermaidText(type.label))]\n"
            for relation in relations {
                out += "    \(relation.id)([\(mermaidText(relation.relation ?? ""))])\n"
            }
            out += "  end\n"
        }
        for edge in edges {
            let arrow = switch edge.kind {
            case .direct: "-->"
            case .computed: "-.->"
            case .tupleToUserset: "==>"
            }
            out += "  \(edge.from.id) \(arrow)|\(mermaidText(edge.label))| \(edge.to.id)\n"
        }
        return out
    }

    /// Each type node with its relation nodes, in model order (`nodes` lists a type, then its relations).
    private var typeGroups: [(type: Node, relations: [Node])] {
        var groups: [(type: Node, relations: [Node])] = []
        for node in nodes {
            if node.relation == nil {
                groups.append((node, []))
            } else if !groups.isEmpty {
                groups[groups.count - 1].relations.append(node)
            }
        }
        return groups
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func mermaidText(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "#quot;") + "\""
    }
}

import Foundation

/// Rendering a ``ModelGraph`` as Graphviz DOT and as a Mermaid flowchart.
extension ModelGraph {
    /// Graphviz DOT: one cluster per type, relations as ellipses, edge styles per kind.
    public func dot() -> String {
        var out = "digraph model {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n"
        for type in nodes where type.relation == nil {
            out += "  subgraph cluster_\(type.id) {\n    label=\(quoted(type.label));\n"
            out += "    \(type.id) [label=\(quoted(type.label)), shape=box, style=bold];\n"
            for relation in nodes where relation.type == type.type && relation.relation != nil {
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
        for type in nodes where type.relation == nil {
            out += "  subgraph \(type.id)_group[\(mermaidText(type.label))]\n"
            out += "    \(type.id)[\(mermaidText(type.label))]\n"
            for relation in nodes where relation.type == type.type && relation.relation != nil {
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

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func mermaidText(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "#quot;") + "\""
    }
}

import Yams

/// A composed YAML document as Warden's readers use it: scalars (with whether they were plain, which decides
/// their type), sequences and mappings, each at its 1-based line and column. Made by ``BlockYAML`` for the
/// block-style subset large store and tuple files are written in, or from a Yams node for everything else.
public indirect enum YAMLTree: Equatable, Sendable {
    case scalar(String, plain: Bool, line: Int, column: Int)
    case sequence([YAMLTree], line: Int, column: Int)
    case mapping([Pair], line: Int, column: Int)
    case alias(line: Int, column: Int)

    /// One mapping entry.
    public struct Pair: Equatable, Sendable {
        public var key: YAMLTree
        public var value: YAMLTree

        public init(_ key: YAMLTree, _ value: YAMLTree) {
            self.key = key
            self.value = value
        }
    }

    /// The same document from Yams' tree.
    public init(_ node: Node) {
        let line = node.mark?.line ?? 0
        let column = node.mark?.column ?? 0
        switch node {
        case .scalar(let scalar): self = .scalar(scalar.string, plain: scalar.style == .plain, line: line, column: column)
        case .sequence(let sequence): self = .sequence(sequence.map(YAMLTree.init), line: line, column: column)
        case .mapping(let mapping): self = .mapping(mapping.map { Pair(YAMLTree($0.key), YAMLTree($0.value)) }, line: line, column: column)
        case .alias: self = .alias(line: line, column: column)
        }
    }

    public var line: Int {
        switch self {
        case .scalar(_, _, let line, _), .sequence(_, let line, _), .mapping(_, let line, _), .alias(let line, _): line
        }
    }

    public var column: Int {
        switch self {
        case .scalar(_, _, _, let column), .sequence(_, _, let column), .mapping(_, _, let column), .alias(_, let column): column
        }
    }

    /// A scalar's text (nil for collections).
    public var string: String? {
        if case .scalar(let text, _, _, _) = self { return text }
        return nil
    }
}

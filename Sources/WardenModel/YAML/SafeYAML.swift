import Yams

/// YAML from files and requests, composed without letting aliases multiply it ("billion laughs"), and checked
/// against the keys a format knows.
public enum SafeYAML {
    /// A YAML problem at a position (1-based line and column; 0 when unknown).
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { line > 0 ? "\(line):\(column): \(message)" : message }

        public init(line: Int, column: Int, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }
    }

    /// Composes one YAML document. Aliases are resolved by sharing, so the tree may be far larger than the text;
    /// a tree with more nodes than the text has bytes (only aliases make one) is refused before anything walks it.
    /// - Throws: ``Problem`` for a syntax error (at its line and column) or an expanding alias.
    /// - Parameter typedScalars: resolve plain scalars' YAML tags (bool, int, null…) as Yams does, for readers
    ///   that decode through Yams (tenant files). Readers that type scalars themselves (`JSONValue(yaml:)`, as
    ///   store and tuple files do) pass false: resolving a tag runs a regular expression per scalar, and Yams'
    ///   duplicate-key check hashes every key through it, which was most of the time spent loading a large store
    ///   file. Duplicate keys are still refused.
    public static func compose(_ text: String, typedScalars: Bool = true) throws(Problem) -> Node? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, typedScalars ? .default : .basic)
        } catch let error as YamlError {
            throw problem(error)
        } catch {
            throw Problem(line: 0, column: 0, message: "not valid YAML: \(error)")
        }
        guard let node else { return nil }
        var budget = max(1_000, text.utf8.count)
        guard fits(node, &budget) else {
            throw Problem(
                line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                message: "the document's aliases expand it beyond its own size; aliases are not allowed here")
        }
        return node
    }

    /// Composes one YAML document into a ``YAMLTree``: straight from the bytes when it is in ``BlockYAML``'s
    /// block-style subset (large store and tuple files), else through Yams (without tag resolution, as
    /// `compose(_:typedScalars: false)`), with the same tree, positions and errors either way.
    public static func tree(_ text: String) throws(Problem) -> YAMLTree? {
        if let fast = BlockYAML.compose(text) { return fast }
        return try compose(text, typedScalars: false).map(YAMLTree.init)
    }

    /// Whether the tree has at most `budget` nodes; stops counting as soon as it has more.
    private static func fits(_ node: Node, _ budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar, .alias: return true
        case .sequence(let sequence):
            for element in sequence where !fits(element, &budget) { return false }
            return true
        case .mapping(let mapping):
            for (key, value) in mapping where !fits(key, &budget) || !fits(value, &budget) { return false }
            return true
        }
    }

    /// A syntax error in our words, at libyaml's position.
    static func problem(_ error: YamlError) -> Problem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return Problem(line: mark.line, column: mark.column, message: "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Problem(
                line: context.mark.line, column: context.mark.column,
                message: "a key appears twice in one mapping: \(duplicates.joined(separator: ", "))")
        case .reader(let problem, let offset?, _, let yaml):
            // libyaml's reader (invalid UTF-8, control characters) gives a byte offset: turn it into line:column.
            let prefix = yaml.utf8.prefix(max(0, offset))
            let line = prefix.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { prefix.index(after: $0) } ?? prefix.startIndex
            let column = String(decoding: prefix[lineStart...], as: UTF8.self).unicodeScalars.count + 1
            return Problem(line: line, column: column, message: "YAML syntax error: \(problem)")
        default:
            return Problem(line: 0, column: 0, message: "not valid YAML: \(error)")
        }
    }
}

/// A position in a source file: 0-based line and column (in characters), as OpenFGA's tools report them.
public struct SourcePosition: Hashable, Sendable, Comparable {
    /// 0-based line number.
    public var line: Int
    /// 0-based column number.
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// The span of source text a model element came from: `start` inclusive, `end` exclusive.
///
/// Models read from JSON have no source ranges; every AST node's range is optional for that reason.
public struct SourceRange: Hashable, Sendable {
    /// The file the text came from, when known.
    public var file: String?
    /// The first character of the span.
    public var start: SourcePosition
    /// One past the last character of the span.
    public var end: SourcePosition

    public init(file: String? = nil, start: SourcePosition, end: SourcePosition) {
        self.file = file
        self.start = start
        self.end = end
    }
}

/// A tuple an import refuses before writing anything: where it is and OpenFGA's reason.
public struct ImportProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The tuple's file (or the label of an in-memory source).
    public var file: String
    /// 1-based line in the file (for an in-memory source, the tuple's 1-based position).
    public var line: Int
    /// OpenFGA's reason, as ``InvalidTupleError`` words it.
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

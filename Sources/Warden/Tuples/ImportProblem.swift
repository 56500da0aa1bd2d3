/// A tuple an import refuses before writing anything: its position among the imported tuples and the reason.
public struct ImportProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// 0-based position of the tuple among all tuples given.
    public var index: Int
    /// OpenFGA's reason, as ``InvalidTupleError`` words it.
    public var reason: String

    public init(index: Int, reason: String) {
        self.index = index
        self.reason = reason
    }

    public var description: String { "tuple \(index + 1): \(reason)" }
}

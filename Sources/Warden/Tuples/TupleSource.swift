import WardenModel

/// Tuples an import reads, each with where it came from. An import validates every tuple before it writes one: it
/// keeps what it validated when that fits in one batch, else reads its sources again to write them, so a source
/// must give the same tuples each time.
public protocol TupleSource {
    /// The file name (or label) errors name.
    var name: String { get }
    /// Calls `body` with each tuple and its 1-based line (or position), in order.
    func forEach(_ body: (Int, RelationshipTuple) throws -> Void) throws
}

/// A tuple file in any of ``TupleFile``'s formats, streamed from disk (JSONL and CSV in bounded memory).
public struct TupleFileSource: TupleSource {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var name: String { path }

    public func forEach(_ body: (Int, RelationshipTuple) throws -> Void) throws {
        try TupleFile.forEach(path: path, body)
    }
}

/// Tuples already in memory (tests, scenarios, embedding services); positions count from 1.
public struct TupleArraySource: TupleSource {
    public let name: String
    public let tuples: [RelationshipTuple]

    public init(_ tuples: [RelationshipTuple], name: String = "tuples") {
        self.tuples = tuples
        self.name = name
    }

    public func forEach(_ body: (Int, RelationshipTuple) throws -> Void) throws {
        for (index, tuple) in tuples.enumerated() { try body(index + 1, tuple) }
    }
}

/// What an import did: tuples read from the sources, written, and skipped because they already existed
/// (`--on-duplicate ignore`, so a re-run resumes).
public struct ImportSummary: Hashable, Sendable {
    /// Tuples in the sources (all validated before the first write).
    public var total = 0
    /// Tuples committed so far, written or skipped.
    public var read = 0
    /// Tuples actually added to the store.
    public var written = 0
    public var skipped: Int { read - written }
    /// Tuples whose ids hold an invisible or direction-changing character (accepted, as OpenFGA accepts them,
    /// but one may display as another), and the first few as `FILE:LINE: tuple` with those characters escaped.
    public var invisibleCharacters = 0
    public var invisibleExamples: [String] = []

    public init(total: Int = 0, read: Int = 0, written: Int = 0) {
        self.total = total
        self.read = read
        self.written = written
    }
}

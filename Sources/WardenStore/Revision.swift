/// A store's version: it starts at 0 and every committed batch that changes something advances it by one.
///
/// Reads report the revision of their snapshot; caches key on it, so a write invalidates them by moving it.
public struct Revision: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The revision of an empty store.
    public static let initial = Revision(rawValue: 0)

    public static func < (lhs: Revision, rhs: Revision) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

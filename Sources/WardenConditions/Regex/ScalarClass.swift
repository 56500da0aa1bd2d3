/// A set of Unicode scalars: ranges, general categories, optionally negated and case-folded.
/// One type serves a literal, `.`, `\d`, `\pL` and a bracketed class.
struct ScalarClass: Equatable {
    /// Sorted, non-overlapping ranges of scalar values.
    var ranges: [ClosedRange<UInt32>] = []
    /// Categories the set includes (`\pL`), or excludes when `negatedCategories` (`\PL` inside a class).
    var categories: [CategoryItem] = []
    var negated = false
    var foldsCase = false

    struct CategoryItem: Equatable {
        var categories: Set<Unicode.GeneralCategory>
        var negated: Bool
    }

    static func scalar(_ scalar: Unicode.Scalar, foldsCase: Bool) -> ScalarClass {
        ScalarClass(ranges: [scalar.value...scalar.value], foldsCase: foldsCase)
    }

    static let anyScalar = ScalarClass(ranges: [0...0x10FFFF])
    static let anyButNewline = ScalarClass(ranges: [0...9, 11...0x10FFFF])

    mutating func add(_ range: ClosedRange<UInt32>) {
        ranges.append(range)
    }

    /// Adds every scalar of `other` (itself not negated, or negated as a whole by complementing its ranges).
    mutating func add(_ other: ScalarClass) {
        if other.negated {
            ranges += Self.complement(Self.normalized(other.ranges))
            categories += other.categories.map { CategoryItem(categories: $0.categories, negated: !$0.negated) }
        } else {
            ranges += other.ranges
            categories += other.categories
        }
    }

    /// Sorts and merges the ranges, so membership is a binary search.
    func normalizedForMatching() -> ScalarClass {
        var copy = self
        copy.ranges = Self.normalized(ranges)
        return copy
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var found = directlyContains(scalar)
        if !found && foldsCase {
            found = Self.caseVariants(of: scalar).contains { directlyContains($0) }
        }
        return found != negated
    }

    private func directlyContains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value {
                low = middle + 1
            } else if ranges[middle].lowerBound > value {
                high = middle - 1
            } else {
                return true
            }
        }
        guard !categories.isEmpty else { return false }
        let category = scalar.properties.generalCategory
        return categories.contains { $0.categories.contains(category) != $0.negated }
    }

    /// The scalar's simple upper-, lower- and title-case mappings (single scalars only).
    private static func caseVariants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        let properties = scalar.properties
        return [properties.lowercaseMapping, properties.uppercaseMapping, properties.titlecaseMapping].compactMap {
            let scalars = $0.unicodeScalars
            return scalars.count == 1 ? scalars.first : nil
        }
    }

    static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    static func complement(_ sorted: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in sorted {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }
}

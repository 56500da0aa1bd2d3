/// Parses RE2 syntax as Go's `regexp/syntax` does with its Perl flags: `(?flags)` groups, `\pN` and POSIX
/// classes, `\Q…\E`, repeat counts up to 1000, and Go's error codes for backreferences, lookaround and the rest.
struct RegexParser {
    private let pattern: [Unicode.Scalar]
    private var position = 0
    private var flags = Flags()

    struct Flags {
        var caseInsensitive = false
        var multiLine = false
        var dotMatchesNewline = false
    }

    static let maximumRepeat = 1000

    init(_ pattern: String) {
        self.pattern = Array(pattern.unicodeScalars)
    }

    static func parse(_ pattern: String) throws(RegexSyntaxError) -> RegexNode {
        var parser = RegexParser(pattern)
        let node = try parser.alternation(depth: 0)
        if parser.position < parser.pattern.count {
            throw RegexSyntaxError(code: "unexpected )", fragment: pattern)
        }
        return node
    }

    private var atEnd: Bool { position >= pattern.count }
    private var current: Unicode.Scalar? { atEnd ? nil : pattern[position] }

    private func text(_ range: Range<Int>) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: pattern[max(0, range.lowerBound)..<min(pattern.count, range.upperBound)])
        return result
    }

    private func failure(_ code: String, from start: Int, to end: Int? = nil) -> RegexSyntaxError {
        RegexSyntaxError(code: code, fragment: text(start..<(end ?? position)))
    }

    private mutating func alternation(depth: Int) throws(RegexSyntaxError) -> RegexNode {
        guard depth <= 1000 else { throw RegexSyntaxError(code: "expression nests too deeply", fragment: text(0..<pattern.count)) }
        let saved = flags
        var branches = [try concatenation(depth: depth)]
        while current == "|" {
            position += 1
            branches.append(try concatenation(depth: depth))
        }
        flags = saved
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func concatenation(depth: Int) throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            let start = position
            guard var item = try atom(depth: depth) else { continue }
            var firstOperator: Int?
            while true {
                let operatorStart = position
                guard let (minimum, maximum) = try repetition(after: start) else { break }
                if let firstOperator { throw failure("invalid nested repetition operator", from: firstOperator) }
                firstOperator = operatorStart
                if current == "?" { position += 1 }  // lazy: the same language, so the same answer
                item = .repetition(item, minimum: minimum, maximum: maximum)
            }
            items.append(item)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .concatenation(items))
    }

    /// A repetition operator at the current position, or nil; `{` that does not form a count is a literal.
    private mutating func repetition(after atomStart: Int) throws(RegexSyntaxError) -> (Int, Int?)? {
        let start = position
        switch current {
        case "*": position += 1; return (0, nil)
        case "+": position += 1; return (1, nil)
        case "?": position += 1; return (0, 1)
        case "{":
            position += 1
            guard let minimum = number() else { position = start; return nil }
            var maximum: Int? = minimum
            if current == "," {
                position += 1
                maximum = current == "}" ? nil : number()
                if maximum == nil && current != "}" { position = start; return nil }
            }
            guard current == "}" else { position = start; return nil }
            position += 1
            if minimum > Self.maximumRepeat || (maximum ?? 0) > Self.maximumRepeat || (maximum.map { $0 < minimum } ?? false) {
                throw failure("invalid repeat count", from: start)
            }
            return (minimum, maximum)
        default: return nil
        }
    }

    private mutating func number() -> Int? {
        let start = position
        var value = 0
        while let scalar = current, ("0"..."9").contains(scalar) {
            value = min(value * 10 + Int(scalar.value - 48), 100_000)
            position += 1
        }
        return position > start ? value : nil
    }

    /// One atom; nil for a flag group `(?i)` that only changes flags.
    private mutating func atom(depth: Int) throws(RegexSyntaxError) -> RegexNode? {
        let start = position
        let scalar = pattern[position]
        position += 1
        switch scalar {
        case "*", "+", "?":
            throw failure("missing argument to repetition operator", from: start)
        case "{":
            position = start
            if (try? repetition(after: start)) ?? nil != nil {
                throw failure("missing argument to repetition operator", from: start)
            }
            position = start + 1
            return literal("{")
        case "(": return try group(from: start, depth: depth)
        case "[": return try bracketClass(from: start)
        case ".": return .scalars(flags.dotMatchesNewline ? .anyScalar : .anyButNewline)
        case "^": return .assertion(flags.multiLine ? .beginLine : .beginText)
        case "$": return .assertion(flags.multiLine ? .endLine : .endText)
        case "\\": return try escape(from: start)
        default: return literal(scalar)
        }
    }

    private func literal(_ scalar: Unicode.Scalar) -> RegexNode {
        .scalars(.scalar(scalar, foldsCase: flags.caseInsensitive))
    }

    private mutating func group(from start: Int, depth: Int) throws(RegexSyntaxError) -> RegexNode? {
        if current == "?" {
            position += 1
            if current == "P" || current == "<" {
                if current == "P" { position += 1 }
                guard current == "<" else { throw failure("invalid or unsupported Perl syntax", from: start) }
                position += 1
                let nameStart = position
                while let scalar = current, scalar != ">" { position += 1 }
                guard current == ">" else { throw failure("invalid named capture", from: start, to: pattern.count) }
                let name = pattern[nameStart..<position]
                guard !name.isEmpty, name.allSatisfy({ RegexAssertion.isWord($0) }) else {
                    throw failure("invalid named capture", from: start, to: position + 1)
                }
                position += 1
                return try closeGroup(from: start, depth: depth)
            }
            var enabling = true
            var sawFlag = false
            var updated = flags
            while let scalar = current {
                position += 1
                switch scalar {
                case "i": updated.caseInsensitive = enabling; sawFlag = true
                case "m": updated.multiLine = enabling; sawFlag = true
                case "s": updated.dotMatchesNewline = enabling; sawFlag = true
                case "U": sawFlag = true
                case "-":
                    guard enabling else { throw failure("invalid or unsupported Perl syntax", from: start) }
                    enabling = false
                    sawFlag = false
                case ")":
                    guard sawFlag || enabling else { throw failure("invalid or unsupported Perl syntax", from: start) }
                    flags = updated
                    return nil
                case ":":
                    guard sawFlag || enabling else { throw failure("invalid or unsupported Perl syntax", from: start) }
                    let outer = flags
                    flags = updated
                    let node = try closeGroup(from: start, depth: depth)
                    flags = outer
                    return node
                default: throw failure("invalid or unsupported Perl syntax", from: start)
                }
            }
            throw failure("invalid or unsupported Perl syntax", from: start)
        }
        return try closeGroup(from: start, depth: depth)
    }

    private mutating func closeGroup(from start: Int, depth: Int) throws(RegexSyntaxError) -> RegexNode {
        let node = try alternation(depth: depth + 1)
        guard current == ")" else { throw failure("missing closing )", from: 0, to: pattern.count) }
        position += 1
        return node
    }

    private mutating func escape(from start: Int) throws(RegexSyntaxError) -> RegexNode {
        guard let scalar = current else { throw failure("trailing backslash at end of expression", from: start, to: start) }
        switch scalar {
        case "A": position += 1; return .assertion(.beginText)
        case "z": position += 1; return .assertion(.endText)
        case "b": position += 1; return .assertion(.wordBoundary)
        case "B": position += 1; return .assertion(.notWordBoundary)
        case "Q":
            position += 1
            var items: [RegexNode] = []
            while let next = current {
                if next == "\\", position + 1 < pattern.count, pattern[position + 1] == "E" {
                    position += 2
                    break
                }
                items.append(literal(next))
                position += 1
            }
            return items.count == 1 ? items[0] : .concatenation(items)
        default:
            var single = try classEscape(from: start)
            single.foldsCase = single.foldsCase || flags.caseInsensitive
            return .scalars(single)
        }
    }

    /// An escape that stands for scalars (valid inside and outside brackets); the position is after `\`.
    private mutating func classEscape(from start: Int) throws(RegexSyntaxError) -> ScalarClass {
        guard let scalar = current else { throw failure("trailing backslash at end of expression", from: start, to: start) }
        position += 1
        func single(_ value: UInt32) -> ScalarClass { ScalarClass(ranges: [value...value], foldsCase: flags.caseInsensitive) }
        switch scalar {
        case "d", "D": return ScalarClass(ranges: [0x30...0x39], negated: scalar == "D")
        case "s", "S": return ScalarClass(ranges: [0x09...0x0A, 0x0C...0x0D, 0x20...0x20], negated: scalar == "S")
        case "w", "W":
            return ScalarClass(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A], negated: scalar == "W")
        case "p", "P": return try unicodeClass(negated: scalar == "P", from: start)
        case "a": return single(7)
        case "f": return single(12)
        case "t": return single(9)
        case "n": return single(10)
        case "r": return single(13)
        case "v": return single(11)
        case "x": return single(try hexEscape(from: start))
        case "0"..."7":
            // Go: `\0`, or two or more octal digits; a single non-zero digit would be a backreference.
            var value = scalar.value - 48
            var digits = 1
            while digits < 3, let next = current, ("0"..."7").contains(next) {
                value = value * 8 + next.value - 48
                digits += 1
                position += 1
            }
            guard scalar == "0" || digits > 1 else { throw failure("invalid escape sequence", from: start) }
            return single(value)
        default:
            guard scalar.isASCII, !RegexAssertion.isWord(scalar), scalar.value >= 0x21, scalar.value < 0x7F else {
                throw failure("invalid escape sequence", from: start)
            }
            return single(scalar.value)
        }
    }

    private mutating func hexEscape(from start: Int) throws(RegexSyntaxError) -> UInt32 {
        func digit() -> UInt32? {
            guard let scalar = current, scalar.isASCII, let value = UInt32(String(scalar), radix: 16) else { return nil }
            position += 1
            return value
        }
        if current == "{" {
            position += 1
            var value: UInt32 = 0
            var count = 0
            while let next = digit() {
                value = value * 16 + next
                count += 1
                guard value <= 0x10FFFF else { throw failure("invalid escape sequence", from: start) }
            }
            guard count > 0, current == "}" else { throw failure("invalid escape sequence", from: start) }
            position += 1
            return value
        }
        guard let high = digit(), let low = digit() else {
            throw failure("invalid escape sequence", from: start, to: min(position + 1, pattern.count))
        }
        return high * 16 + low
    }

    private mutating func unicodeClass(negated: Bool, from start: Int) throws(RegexSyntaxError) -> ScalarClass {
        var name: String
        if current == "{" {
            position += 1
            let nameStart = position
            while let scalar = current, scalar != "}" { position += 1 }
            guard current == "}" else { throw failure("invalid character class range", from: start) }
            name = text(nameStart..<position)
            position += 1
        } else {
            guard let scalar = current else { throw failure("invalid character class range", from: start) }
            position += 1
            name = String(scalar)
        }
        var isNegated = negated
        if name.hasPrefix("^") {
            isNegated.toggle()
            name.removeFirst()
        }
        if name == "Any" { return ScalarClass(ranges: [0...0x10FFFF], negated: isNegated) }
        if let ranges = UnicodeCategories.scripts[name] {
            return ScalarClass(ranges: ranges, negated: isNegated, foldsCase: flags.caseInsensitive)
        }
        guard let categories = UnicodeCategories.named[name] else {
            throw failure("invalid character class range", from: start)
        }
        return ScalarClass(categories: [.init(categories: categories, negated: false)], negated: isNegated,
                           foldsCase: flags.caseInsensitive)
    }

    private mutating func bracketClass(from start: Int) throws(RegexSyntaxError) -> RegexNode {
        var result = ScalarClass(foldsCase: flags.caseInsensitive)
        if current == "^" {
            result.negated = true
            position += 1
        }
        var first = true
        while true {
            guard let scalar = current else { throw failure("missing closing ]", from: start, to: pattern.count) }
            if scalar == "]" && !first { break }
            first = false
            let itemStart = position
            if scalar == "[", position + 1 < pattern.count, pattern[position + 1] == ":" {
                if let posix = try posixClass() {
                    result.add(posix)
                    continue
                }
                position = itemStart
            }
            let low = try bracketItem(from: itemStart)
            guard case .single(let lowValue) = low else {
                if case .set(let set) = low { result.add(set) }
                continue
            }
            if current == "-", position + 1 < pattern.count, pattern[position + 1] != "]" {
                position += 1
                let high = try bracketItem(from: position)
                guard case .single(let highValue) = high, highValue >= lowValue else {
                    throw failure("invalid character class range", from: itemStart)
                }
                result.add(lowValue...highValue)
            } else {
                result.add(lowValue...lowValue)
            }
        }
        position += 1
        return .scalars(result)
    }

    private enum BracketItem { case single(UInt32), set(ScalarClass) }

    private mutating func bracketItem(from start: Int) throws(RegexSyntaxError) -> BracketItem {
        guard let scalar = current else { throw failure("missing closing ]", from: start, to: pattern.count) }
        position += 1
        guard scalar == "\\" else { return .single(scalar.value) }
        let escapeStart = position - 1
        if current == "b" {  // `\b` inside brackets is not a boundary; Go refuses it
            throw failure("invalid escape sequence", from: escapeStart, to: position + 1)
        }
        let set = try classEscape(from: escapeStart)
        if set.categories.isEmpty, !set.negated, set.ranges.count == 1, set.ranges[0].count == 1 {
            return .single(set.ranges[0].lowerBound)
        }
        return .set(set)
    }

    /// `[:alpha:]` or `[:^alpha:]` at the current position, or nil when it is not one.
    private mutating func posixClass() throws(RegexSyntaxError) -> ScalarClass? {
        let start = position
        position += 2
        var negated = false
        if current == "^" {
            negated = true
            position += 1
        }
        let nameStart = position
        while let scalar = current, scalar != ":" { position += 1 }
        guard position + 1 < pattern.count, pattern[position + 1] == "]" else { position = start; return nil }
        let name = text(nameStart..<position)
        position += 2
        guard let ranges = Self.posixClasses[name] else {
            throw failure("invalid character class range", from: start)
        }
        return ScalarClass(ranges: ranges, negated: negated)
    }

    private static let posixClasses: [String: [ClosedRange<UInt32>]] = [
        "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A],
        "alpha": [0x41...0x5A, 0x61...0x7A],
        "ascii": [0x00...0x7F],
        "blank": [0x09...0x09, 0x20...0x20],
        "cntrl": [0x00...0x1F, 0x7F...0x7F],
        "digit": [0x30...0x39],
        "graph": [0x21...0x7E],
        "lower": [0x61...0x7A],
        "print": [0x20...0x7E],
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E],
        "space": [0x09...0x0D, 0x20...0x20],
        "upper": [0x41...0x5A],
        "word": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A],
        "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
    ]
}

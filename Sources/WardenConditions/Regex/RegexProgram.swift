/// A compiled regular expression: a Thompson NFA run as a Pike VM, so `matches` takes time proportional to the
/// text's length times the program's size, whatever the pattern (`^(a|aa)*$` included).
///
/// ```swift
/// let program = try RegexProgram("^[a-z]+@example\\.com$")
/// program.matches("ada@example.com")  // true
/// ```
public struct RegexProgram: Sendable {
    enum Instruction: Sendable {
        case consume(Int)
        case split(Int, Int)
        case jump(Int)
        case assert(RegexAssertion)
        case match
    }

    /// The most instructions a program may hold (repeat counts multiply a pattern; Go refuses the same way).
    static let maximumSize = 50_000

    private(set) var instructions: [Instruction] = []
    private var classes: [ScalarClass] = []

    /// Parses `pattern` in RE2 syntax and compiles it.
    /// - Throws: ``RegexSyntaxError`` with Go's code and the offending fragment.
    public init(_ pattern: String) throws(RegexSyntaxError) {
        let node = try RegexParser.parse(pattern)
        try emit(node, pattern: pattern)
        try append(.match, pattern: pattern)
    }

    private mutating func append(_ instruction: Instruction, pattern: String) throws(RegexSyntaxError) {
        guard instructions.count < Self.maximumSize else {
            throw RegexSyntaxError(code: "expression too large", fragment: pattern)
        }
        instructions.append(instruction)
    }

    private mutating func patch(_ index: Int, to instruction: Instruction) {
        instructions[index] = instruction
    }

    private mutating func emit(_ node: RegexNode, pattern: String) throws(RegexSyntaxError) {
        switch node {
        case .empty:
            break
        case .scalars(let set):
            classes.append(set.normalizedForMatching())
            try append(.consume(classes.count - 1), pattern: pattern)
        case .assertion(let assertion):
            try append(.assert(assertion), pattern: pattern)
        case .concatenation(let items):
            for item in items { try emit(item, pattern: pattern) }
        case .alternation(let branches):
            var exits: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index == branches.count - 1 {
                    try emit(branch, pattern: pattern)
                } else {
                    let split = instructions.count
                    try append(.split(split + 1, -1), pattern: pattern)
                    try emit(branch, pattern: pattern)
                    exits.append(instructions.count)
                    try append(.jump(-1), pattern: pattern)
                    patch(split, to: .split(split + 1, instructions.count))
                }
            }
            for exit in exits { patch(exit, to: .jump(instructions.count)) }
        case .repetition(let item, let minimum, let maximum):
            for _ in 0..<minimum { try emit(item, pattern: pattern) }
            if let maximum {
                var exits: [Int] = []
                for _ in minimum..<maximum {
                    exits.append(instructions.count)
                    try append(.split(instructions.count + 1, -1), pattern: pattern)
                    try emit(item, pattern: pattern)
                }
                for exit in exits { patch(exit, to: .split(exit + 1, instructions.count)) }
            } else {
                let loop = instructions.count
                try append(.split(loop + 1, -1), pattern: pattern)
                try emit(item, pattern: pattern)
                try append(.jump(loop), pattern: pattern)
                patch(loop, to: .split(loop + 1, instructions.count))
            }
        }
    }

    /// Whether the pattern matches anywhere in `text` (Go's `MatchString`), stepping over Unicode scalars.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var current = ThreadList(capacity: instructions.count)
        var next = ThreadList(capacity: instructions.count)
        var stack: [Int] = []
        for position in 0...scalars.count {
            let previous = position > 0 ? scalars[position - 1] : nil
            let following = position < scalars.count ? scalars[position] : nil
            if add(0, to: &current, previous, following, &stack) { return true }
            guard let scalar = following else { break }
            for index in 0..<current.count {
                let pc = current.dense[index]
                guard case .consume(let set) = instructions[pc], classes[set].contains(scalar) else { continue }
                let after = position + 1 < scalars.count ? scalars[position + 1] : nil
                if add(pc + 1, to: &next, scalar, after, &stack) { return true }
            }
            swap(&current, &next)
            next.removeAll()
        }
        return false
    }

    /// Follows jumps, splits and assertions from `start`, adding each reached instruction once; true when one
    /// of them is the match.
    private func add(
        _ start: Int, to list: inout ThreadList, _ previous: Unicode.Scalar?, _ following: Unicode.Scalar?,
        _ stack: inout [Int]
    ) -> Bool {
        stack.append(start)
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch instructions[pc] {
            case .match:
                stack.removeAll()
                return true
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assert(let assertion):
                if assertion.holds(after: previous, before: following) { stack.append(pc + 1) }
            case .consume:
                break
            }
        }
        return false
    }
}

/// A set of instruction indices with insertion order, cleared in constant time (a sparse set).
private struct ThreadList {
    var dense: [Int]
    var sparse: [Int]
    var count = 0

    init(capacity: Int) {
        dense = Array(repeating: 0, count: capacity)
        sparse = Array(repeating: 0, count: capacity)
    }

    /// Inserts `value`; false when it was already there.
    mutating func insert(_ value: Int) -> Bool {
        let slot = sparse[value]
        if slot < count && dense[slot] == value { return false }
        sparse[value] = count
        dense[count] = value
        count += 1
        return true
    }

    mutating func removeAll() { count = 0 }
}

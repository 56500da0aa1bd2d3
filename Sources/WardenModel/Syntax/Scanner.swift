/// A cursor over DSL source bytes that knows lines and columns.
///
/// The DSL is line-oriented: spaces separate words within a line, newlines separate declarations, and `#`
/// starts a comment when it begins a line or follows whitespace (inside `group#member` it is a separator).
struct Scanner {
    let bytes: [UInt8]
    let file: String?
    private(set) var offset = 0
    /// Byte offset where each line starts.
    private let lineStarts: [Int]
    /// Offsets of UTF-8 continuation bytes (none in ASCII text), so a column is a subtraction and two binary
    /// searches, not a scan of the line: positions on one long line would otherwise cost quadratic time.
    private let continuations: [Int]

    init(_ text: String, file: String?) {
        self.bytes = Array(text.utf8)
        self.file = file
        var starts = [0]
        var continuations: [Int] = []
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") { starts.append(index + 1) }
            if byte & 0xC0 == 0x80 { continuations.append(index) }
        }
        self.lineStarts = starts
        self.continuations = continuations
    }

    var isAtEnd: Bool { offset >= bytes.count }
    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    func peek(_ distance: Int = 0) -> UInt8? {
        let index = offset + distance
        return index < bytes.count ? bytes[index] : nil
    }

    mutating func advance(_ count: Int = 1) { offset = min(offset + count, bytes.count) }
    mutating func move(to newOffset: Int) { offset = newOffset }

    // MARK: Positions

    func position(at byteOffset: Int) -> SourcePosition {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= byteOffset { low = mid } else { high = mid - 1 }
        }
        // Columns count characters, not bytes: continuation bytes between the line's start and the offset don't.
        let start = lineStarts[low]
        let end = max(start, min(byteOffset, bytes.count))
        let column = (end - start) - (continuationsBefore(end) - continuationsBefore(start))
        return SourcePosition(line: low, column: column)
    }

    /// How many continuation bytes lie before `offset`.
    private func continuationsBefore(_ offset: Int) -> Int {
        var low = 0
        var high = continuations.count
        while low < high {
            let mid = (low + high) / 2
            if continuations[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func range(from start: Int, to end: Int) -> SourceRange {
        SourceRange(file: file, start: position(at: start), end: position(at: end))
    }

    func text(from start: Int, to end: Int) -> String {
        String(decoding: bytes[start..<min(end, bytes.count)], as: UTF8.self)
    }

    // MARK: Character classes

    static func isSpace(_ byte: UInt8?) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    static func isNewline(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: "\n") }

    static func isIdentifierStart(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
    }

    static func isIdentifierPart(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return isIdentifierStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
    }

    // MARK: Trivia

    /// Skips spaces and tabs on the current line.
    mutating func skipSpaces() {
        while Scanner.isSpace(current) { advance() }
    }

    /// Whether the cursor is at a comment: `#` at the start of a line or after whitespace.
    var isAtComment: Bool {
        guard current == UInt8(ascii: "#") else { return false }
        guard offset > 0 else { return true }
        let previous = bytes[offset - 1]
        return Scanner.isSpace(previous) || Scanner.isNewline(previous)
    }

    /// Skips spaces and a trailing comment; stops at the newline (or the end).
    mutating func skipLineTrivia() {
        skipSpaces()
        if isAtComment {
            while let byte = current, !Scanner.isNewline(byte) { advance() }
        }
    }

    /// Skips blank and comment-only lines; stops at the first character of the next line with content
    /// (after its indentation), or at the end.
    mutating func skipBlankLines() {
        while true {
            skipLineTrivia()
            guard Scanner.isNewline(current) else { return }  // content or the end
            advance()
        }
    }

    /// Reads an identifier (`[A-Za-z_][A-Za-z0-9_\-./]*`) and returns it with its byte span.
    mutating func identifier() -> (name: String, start: Int, end: Int)? {
        guard Scanner.isIdentifierStart(current) else { return nil }
        let start = offset
        while Scanner.isIdentifierPart(current) { advance() }
        return (text(from: start, to: offset), start, offset)
    }

    /// The word (run of non-space, non-newline characters) at the cursor, for error messages.
    func word(at start: Int? = nil) -> (text: String, start: Int, end: Int) {
        let begin = start ?? offset
        var end = begin
        while end < bytes.count, !Scanner.isSpace(bytes[end]), !Scanner.isNewline(bytes[end]) { end += 1 }
        return (text(from: begin, to: end), begin, end)
    }

    /// Whether `keyword` stands at the cursor as a whole word.
    func isAtKeyword(_ keyword: String) -> Bool {
        let utf8 = Array(keyword.utf8)
        guard offset + utf8.count <= bytes.count else { return false }
        for (index, byte) in utf8.enumerated() where bytes[offset + index] != byte { return false }
        let next = peek(utf8.count)
        return !Scanner.isIdentifierPart(next)
    }

    /// Consumes `keyword` when it stands at the cursor as a whole word.
    mutating func consumeKeyword(_ keyword: String) -> Bool {
        guard isAtKeyword(keyword) else { return false }
        advance(keyword.utf8.count)
        return true
    }

    /// Consumes one byte when it is `byte`.
    mutating func consume(_ byte: Character) -> Bool {
        guard let ascii = byte.asciiValue, current == ascii else { return false }
        advance()
        return true
    }
}

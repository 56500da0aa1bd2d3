/// A purpose-built reader for the block-style YAML that large store and tuple files are written in: nested
/// block mappings and sequences (`- user: …` entries included), plain and simply quoted scalars, `|` literal
/// blocks (the model text) and comments; ASCII only.
///
/// Anything outside that subset — flow collections, anchors, aliases, tags, escapes, folded or chomped blocks,
/// multi-line plain scalars, empty values, duplicate keys, tabs, non-ASCII, documents markers, and every error —
/// is nil, and the caller composes the text with Yams, so the result (and every error message) is Yams' own. The
/// tree it does return is the one Yams composes, marks included; a test compares them on every file the
/// repository and the conformance corpus hold, and on mutations of them.
public enum BlockYAML {
    /// Thrown inside the reader when the text leaves the subset.
    struct Unsupported: Error {}

    /// The tree, or nil when `text` is not in the subset (or is empty). A document of at least
    /// `sectionsInParallelFrom` bytes whose top level is a mapping has its top-level entries (a store file's
    /// `tuples` and `tests`) read on the machine's cores at once; the tree is the same.
    public static func compose(_ text: String, sectionsInParallelFrom threshold: Int = 128 << 10) -> YAMLTree? {
        var copy = text
        return copy.withUTF8 { bytes in
            var reader = Reader(bytes)
            if bytes.count >= threshold, let sections = reader.topLevelSections(), sections.count > 1 {
                return try? reader.mapping(sections: sections)
            }
            return try? reader.document()
        }
    }

    /// One line: where its content starts and ends (trailing spaces off), and its indentation.
    struct Line {
        var number: Int
        var lineStart: Int
        var indent: Int
        var start: Int
        var end: Int
        var rawEnd: Int
        var isBlank: Bool
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var lines: [Line] = []
        var position = 0
        var usable = true

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            var lineStart = 0
            var number = 1
            var index = 0
            while index <= bytes.count {
                if index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
                    var indent = 0
                    while lineStart + indent < index, bytes[lineStart + indent] == UInt8(ascii: " ") { indent += 1 }
                    var end = index
                    while end > lineStart + indent, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
                    let start = lineStart + indent
                    lines.append(Line(
                        number: number, lineStart: lineStart, indent: indent, start: start, end: end, rawEnd: index,
                        isBlank: start == end || bytes[start] == UInt8(ascii: "#")))
                    number += 1
                    lineStart = index + 1
                } else {
                    let byte = bytes[index]
                    // Tabs, carriage returns, other control characters and non-ASCII: Yams decides.
                    if byte >= 0x80 || (byte < 0x20 && byte != UInt8(ascii: "\n")) || byte == 0x7F { usable = false }
                }
                index += 1
            }
        }

        mutating func document() throws -> YAMLTree {
            guard usable else { throw Unsupported() }
            skipBlank()
            guard position < lines.count, lines[position].indent == 0 else { throw Unsupported() }
            let first = lines[position]
            // Directives and document markers.
            if bytes[first.start] == UInt8(ascii: "%") || startsWith(first, "---") || startsWith(first, "...") { throw Unsupported() }
            let tree = try node(indent: 0)
            skipBlank()
            guard position == lines.count else { throw Unsupported() }
            return tree
        }

        /// For a document whose first line with content starts a top-level mapping entry: the line ranges of its
        /// entries (each from its key's line to the next key at indentation 0). Nil otherwise.
        func topLevelSections() -> [Range<Int>]? {
            guard usable else { return nil }
            var starts: [Int] = []
            for (index, line) in lines.enumerated() where !line.isBlank && line.indent == 0 {
                if starts.isEmpty {
                    if bytes[line.start] == UInt8(ascii: "%") || startsWith(line, "---") || startsWith(line, "...") { return nil }
                    guard keyColon(line) != nil else { return nil }
                    starts.append(index)
                } else if keyColon(line) != nil {
                    starts.append(index)
                }
            }
            guard !starts.isEmpty else { return nil }
            return starts.indices.map { starts[$0]..<(starts.indices.contains($0 + 1) ? starts[$0 + 1] : lines.count) }
        }

        /// The top-level mapping, its entries (`sections`) read concurrently, each by a reader of its own lines:
        /// every entry's reading stops at its last line, where the whole document's would meet the next key at
        /// indentation 0, so the pairs are the ones ``document()`` reads. A key repeated across entries declines.
        func mapping(sections: [Range<Int>]) throws -> YAMLTree {
            let first = lines[sections[0].lowerBound]
            // The readers share only the immutable text.
            nonisolated(unsafe) let reader = self
            let results = sections.mapOnCores(minimumShare: 1) { lines in
                var section = reader
                section.lines = Array(reader.lines[lines])
                section.position = 0
                return Result { () throws -> [YAMLTree.Pair] in
                    guard case .mapping(let pairs, _, _) = try section.mapping(indent: 0), section.position == section.lines.count else {
                        throw Unsupported()
                    }
                    return pairs
                }
            }
            var pairs: [YAMLTree.Pair] = []
            var hashedKeys: Set<ByteString>?
            for result in results {
                for pair in try result.get() {
                    guard case .scalar(let name, _, _, _) = pair.key, !Self.repeats(name, in: pairs, hashed: &hashedKeys) else {
                        throw Unsupported()
                    }
                    pairs.append(pair)
                }
            }
            return .mapping(pairs, line: first.number, column: 1)
        }

        func startsWith(_ line: Line, _ literal: String) -> Bool {
            let utf8 = Array(literal.utf8)
            guard line.end - line.start >= utf8.count else { return false }
            return (0..<utf8.count).allSatisfy { bytes[line.start + $0] == utf8[$0] }
        }

        mutating func skipBlank() {
            while position < lines.count, lines[position].isBlank { position += 1 }
        }

        /// The next line with content after the current one, without moving.
        func nextContentIndent() -> Int? {
            var index = position
            while index < lines.count, lines[index].isBlank { index += 1 }
            return index < lines.count ? lines[index].indent : nil
        }

        func isSequenceEntry(_ line: Line) -> Bool {
            bytes[line.start] == UInt8(ascii: "-") && (line.start + 1 == line.end || bytes[line.start + 1] == UInt8(ascii: " "))
        }

        /// Where the key's `:` is, for a line that starts a mapping entry with a simple plain key.
        func keyColon(_ line: Line) -> Int? {
            var index = line.start
            guard index < line.end, Self.isKeyStart(bytes[index]) || isPlainNonASCII(at: index) else { return nil }
            while index < line.end, Self.isKeyByte(bytes[index]) || isPlainNonASCII(at: index) { index += 1 }
            guard index < line.end, bytes[index] == UInt8(ascii: ":") else { return nil }
            guard index + 1 == line.end || bytes[index + 1] == UInt8(ascii: " ") else { return nil }
            return index
        }

        /// Whether the byte at `index` belongs to a non-ASCII character a plain key may hold (`é`, `K`, a combining
        /// mark), leaving to Yams the ones YAML treats specially: U+0080–U+00BF (C1 controls, NEL, no-break space),
        /// U+2000–U+203F (spaces, line and paragraph separators) and U+FEFF (byte order mark).
        func isPlainNonASCII(at index: Int) -> Bool {
            let byte = bytes[index]
            guard byte >= 0x80 else { return false }
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            if byte == 0xC2 || (byte == 0xE2 && next == 0x80) || (byte == 0xEF && next == 0xBB) { return false }
            return true
        }

        static func isKeyStart(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }

        static func isKeyByte(_ byte: UInt8) -> Bool {
            isKeyStart(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
        }

        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }

        /// A block node whose first line is the current one, at exactly `indent`.
        mutating func node(indent: Int) throws -> YAMLTree {
            let line = lines[position]
            if isSequenceEntry(line) { return try sequence(indent: indent) }
            if keyColon(line) != nil { return try mapping(indent: indent) }
            throw Unsupported()
        }

        mutating func sequence(indent: Int) throws -> YAMLTree {
            let first = lines[position]
            var items: [YAMLTree] = []
            while true {
                skipBlank()
                guard position < lines.count else { break }
                let line = lines[position]
                if line.indent < indent { break }
                guard line.indent == indent else { throw Unsupported() }
                guard isSequenceEntry(line) else {
                    // A key at the sequence's indentation ends an indentless sequence (the parent mapping's next key).
                    if keyColon(line) != nil { break }
                    throw Unsupported()
                }
                var rest = line.start + 1
                while rest < line.end, bytes[rest] == UInt8(ascii: " ") { rest += 1 }
                if rest == line.end {
                    // `-` alone: the entry is the block below, indented more.
                    position += 1
                    guard let next = nextContentIndent(), next > indent else { throw Unsupported() }
                    skipBlank()
                    items.append(try node(indent: next))
                    continue
                }
                var entry = line
                entry.indent = rest - line.lineStart
                entry.start = rest
                if isSequenceEntry(entry) { throw Unsupported() }
                if keyColon(entry) != nil {
                    lines[position] = entry
                    items.append(try mapping(indent: entry.indent))
                } else {
                    items.append(try inlineScalar(line, from: rest))
                    position += 1
                    if let next = nextContentIndent(), next > indent { throw Unsupported() }
                }
            }
            return .sequence(items, line: first.number, column: first.indent + 1)
        }

        mutating func mapping(indent: Int) throws -> YAMLTree {
            let first = lines[position]
            var pairs: [YAMLTree.Pair] = []
            // By bytes, as Go's YAML compares keys: `é` (NFC) and `é` (NFD) are two keys.
            var hashedKeys: Set<ByteString>?
            while true {
                skipBlank()
                guard position < lines.count else { break }
                let line = lines[position]
                if line.indent < indent { break }
                guard line.indent == indent, let colon = keyColon(line) else { throw Unsupported() }
                let name = text(line.start, colon)
                // A repeated key is an error: Yams words it.
                guard !Self.repeats(name, in: pairs, hashed: &hashedKeys) else { throw Unsupported() }
                let key = YAMLTree.scalar(name, plain: true, line: line.number, column: indent + 1)
                var valueStart = colon + 1
                while valueStart < line.end, bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
                let value: YAMLTree
                if valueStart == line.end || bytes[valueStart] == UInt8(ascii: "#") {
                    if valueStart < line.end, bytes[valueStart - 1] != UInt8(ascii: " ") { throw Unsupported() }
                    position += 1
                    guard let next = nextContentIndent() else { throw Unsupported() }
                    skipBlank()
                    if next > indent {
                        value = try node(indent: next)
                    } else if next == indent, isSequenceEntry(lines[position]) {
                        value = try sequence(indent: indent)
                    } else {
                        throw Unsupported()
                    }
                } else if bytes[valueStart] == UInt8(ascii: "|") {
                    value = try literalBlock(line, indicator: valueStart, parentIndent: indent)
                } else {
                    value = try inlineScalar(line, from: valueStart)
                    position += 1
                    if let next = nextContentIndent(), next > indent { throw Unsupported() }
                }
                pairs.append(YAMLTree.Pair(key, value))
            }
            return .mapping(pairs, line: first.number, column: first.indent + 1)
        }

        /// Whether `name` is already a key of `pairs`, by bytes: scanned while the mapping is small (a tuple's three
        /// keys build no set), hashed from 16 keys on.
        static func repeats(_ name: String, in pairs: [YAMLTree.Pair], hashed: inout Set<ByteString>?) -> Bool {
            func keyText(_ pair: YAMLTree.Pair) -> String? {
                if case .scalar(let key, _, _, _) = pair.key { key } else { nil }
            }
            if pairs.count < 16 { return pairs.contains { keyText($0)?.bytesEqual(name) ?? false } }
            if hashed == nil { hashed = Set(pairs.compactMap { keyText($0).map(ByteString.init) }) }
            return !hashed!.insert(ByteString(name)).inserted
        }

        /// A scalar that starts at `from` and ends its line (a comment after it aside).
        func inlineScalar(_ line: Line, from: Int) throws -> YAMLTree {
            let column = from - line.lineStart + 1
            let opening = bytes[from]
            // An empty flow collection, `[]` or `{}` (an expected empty list in a store file's assertions).
            if (opening == UInt8(ascii: "[") || opening == UInt8(ascii: "{")), from + 1 < line.end,
                bytes[from + 1] == opening + 2
            {
                var after = from + 2
                while after < line.end, bytes[after] == UInt8(ascii: " ") { after += 1 }
                guard after == line.end || (bytes[after] == UInt8(ascii: "#") && bytes[after - 1] == UInt8(ascii: " ")) else {
                    throw Unsupported()
                }
                return opening == UInt8(ascii: "[")
                    ? .sequence([], line: line.number, column: column) : .mapping([], line: line.number, column: column)
            }
            if opening == UInt8(ascii: "\"") || opening == UInt8(ascii: "'") {
                var close = from + 1
                while close < line.end, bytes[close] != opening {
                    // Escapes (and a doubled single quote) take Yams' path.
                    if bytes[close] == UInt8(ascii: "\\") { throw Unsupported() }
                    close += 1
                }
                guard close < line.end else { throw Unsupported() }
                var after = close + 1
                if opening == UInt8(ascii: "'"), after < line.end, bytes[after] == UInt8(ascii: "'") { throw Unsupported() }
                while after < line.end, bytes[after] == UInt8(ascii: " ") { after += 1 }
                guard after == line.end || (bytes[after] == UInt8(ascii: "#") && bytes[after - 1] == UInt8(ascii: " ")) else {
                    throw Unsupported()
                }
                return .scalar(text(from + 1, close), plain: false, line: line.number, column: column)
            }
            // Plain: no indicator first (a `-` only before a letter or digit), no `: ` inside, a ` #` starts a comment.
            let indicators = Array("-?:,[]{}#&*!|>'\"%@`".utf8)
            if indicators.contains(opening) {
                guard opening == UInt8(ascii: "-"), from + 1 < line.end, Self.isKeyStart(bytes[from + 1]) else { throw Unsupported() }
            }
            var end = from
            while end < line.end {
                let byte = bytes[end]
                if byte == UInt8(ascii: ":"), end + 1 == line.end || bytes[end + 1] == UInt8(ascii: " ") { throw Unsupported() }
                if byte == UInt8(ascii: "#"), bytes[end - 1] == UInt8(ascii: " ") { break }
                end += 1
            }
            while end > from, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
            return .scalar(text(from, end), plain: true, line: line.number, column: column)
        }

        /// A `|` block (clip chomping, indentation from its first line) under a key at `parentIndent`.
        mutating func literalBlock(_ line: Line, indicator: Int, parentIndent: Int) throws -> YAMLTree {
            var after = indicator + 1
            while after < line.end, bytes[after] == UInt8(ascii: " ") { after += 1 }
            guard after == line.end || (bytes[after] == UInt8(ascii: "#") && after > indicator + 1) else { throw Unsupported() }
            let column = indicator - line.lineStart + 1
            position += 1
            // The first line of content sets the block's indentation; leading empty lines take Yams' path.
            guard position < lines.count, lines[position].start < lines[position].end else { throw Unsupported() }
            let blockIndent = lines[position].indent
            guard blockIndent > parentIndent else { throw Unsupported() }
            var content: [String] = []
            while position < lines.count {
                let current = lines[position]
                if current.start == current.end {
                    // An empty line: part of the block (its spaces beyond the indentation would be content).
                    guard current.rawEnd - current.lineStart <= blockIndent else { throw Unsupported() }
                    content.append("")
                    position += 1
                    continue
                }
                if current.indent < blockIndent {
                    guard current.indent <= parentIndent else { throw Unsupported() }
                    break
                }
                content.append(text(current.lineStart + blockIndent, current.rawEnd))
                position += 1
            }
            // Clip: trailing empty lines go back to the document (as blank lines) and one newline ends the text.
            while content.last == "" {
                content.removeLast()
                position -= 1
            }
            return .scalar(content.joined(separator: "\n") + "\n", plain: false, line: line.number, column: column)
        }
    }
}

import WardenModel
/// A seeded mutation fuzzer for text parsers: each input is a seed from a corpus, changed by a few random edits
/// (byte flips, deletions, duplications, splices with another seed, and insertions of bytes and tokens parsers
/// find hard: quotes, brackets, anchors, huge numbers, control and invisible characters). Deterministic from its
/// seed, so a failure reproduces.
public struct Mutator {
    private var random: SeededGenerator
    private let corpus: [[UInt8]]
    /// Fragments worth inserting for the format under test (keywords, delimiters).
    private let dictionary: [[UInt8]]

    static let hardFragments: [String] = [
        "\"", "'", "\\", "{", "}", "[", "]", "(", ")", ":", "#", "@", ",", "\n", "\r\n", "\t", "\u{0}", "\u{7F}",
        "\u{202E}", "\u{200B}", "\u{FEFF}", "é", "e\u{301}", "😀", "*", "&a", "*a", "!!str", "---", "- ", "? ",
        "18446744073709551616", "-9223372036854775809", "1e400", "NaN", "0x", "%", "//", "/*", "<<", "|", ">",
        String(repeating: "(", count: 64), String(repeating: "[", count: 64), String(repeating: "a", count: 600),
    ]

    public init(seed: UInt64, corpus: [String], dictionary: [String] = []) {
        random = SeededGenerator(seed: seed)
        self.corpus = corpus.map { Array($0.utf8) }
        self.dictionary = (Self.hardFragments + dictionary).map { Array($0.utf8) }
    }

    /// The next input: a mutated seed, decoded as UTF-8 (invalid sequences become U+FFFD, as reading a file would
    /// refuse or replace them).
    public mutating func next() -> String {
        var bytes = corpus[Int.random(in: 0..<corpus.count, using: &random)]
        for _ in 0..<Int.random(in: 1...6, using: &random) { mutate(&bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func position(in bytes: [UInt8]) -> Int {
        bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        switch Int.random(in: 0..<7, using: &random) {
        case 0 where !bytes.isEmpty:
            let index = Int.random(in: 0..<bytes.count, using: &random)
            bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
        case 1 where !bytes.isEmpty:
            let start = Int.random(in: 0..<bytes.count, using: &random)
            let end = min(bytes.count, start + Int.random(in: 1...32, using: &random))
            bytes.removeSubrange(start..<end)
        case 2 where !bytes.isEmpty:
            let start = Int.random(in: 0..<bytes.count, using: &random)
            let end = min(bytes.count, start + Int.random(in: 1...64, using: &random))
            bytes.insert(contentsOf: bytes[start..<end], at: position(in: bytes))
        case 3:
            let other = corpus[Int.random(in: 0..<corpus.count, using: &random)]
            guard !other.isEmpty else { return }
            let start = Int.random(in: 0..<other.count, using: &random)
            let end = min(other.count, start + Int.random(in: 1...128, using: &random))
            bytes.insert(contentsOf: other[start..<end], at: position(in: bytes))
        case 4:
            bytes.insert(UInt8.random(in: 0...255, using: &random), at: position(in: bytes))
        default:
            let fragment = dictionary[Int.random(in: 0..<dictionary.count, using: &random)]
            bytes.insert(contentsOf: fragment, at: position(in: bytes))
        }
    }
}

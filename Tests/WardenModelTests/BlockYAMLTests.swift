import Foundation
import Testing
import WardenModel
import WardenTestSupport
import Yams

/// The block-style YAML reader against Yams: on every YAML file of the repository and the conformance corpus, and
/// on mutations of them, it either declines (nil, so Yams reads the text) or gives exactly Yams' tree, positions
/// and scalar styles included.
@Suite("Block YAML fast path")
struct BlockYAMLTests {
    /// What Yams makes of `text`: the tree, or nil when it fails or the document is empty.
    static func yams(_ text: String) -> YAMLTree? {
        guard let node = try? Yams.compose(yaml: text, .basic) else { return nil }
        return YAMLTree(node)
    }

    /// Every YAML file the repository's models and the corpus hold.
    static func files() throws -> [URL] {
        var found: [URL] = []
        var roots = [Fixtures.repositoryRoot.appendingPathComponent("models")]
        if let corpus = Fixtures.conformance { roots.append(corpus) }
        for root in roots {
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where ["yaml", "yml"].contains(url.pathExtension) { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    @Test("every YAML file: declined, or Yams' exact tree; and most large store files are taken")
    func agreesOnFiles() throws {
        var taken = 0
        let files = try Self.files()
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(BlockYAML.compose(text, sectionsInParallelFrom: 0) == BlockYAML.compose(text, sectionsInParallelFrom: .max), "\(url.path)")
            guard let fast = BlockYAML.compose(text) else { continue }
            taken += 1
            #expect(fast == Self.yams(text), "\(url.path)")
        }
        // The repository's own store and tuple files are in the subset.
        print("block YAML: took \(taken) of \(files.count) files")
        #expect(taken >= 7, "taken \(taken) of \(files.count)")
    }

    @Test("the shapes store files use, each exactly as Yams reads it")
    func shapes() {
        let cases = [
            "name: x\nmodel: |\n  model\n    schema 1.1\n\n  type user\ntuples:\n- user: user:anne\n  relation: viewer\n  object: doc:1\n",
            "tuples:\n  - user: 'user:anne'  # quoted\n    relation: \"viewer\"\n    object: doc:1 # comment\n",
            "tests:\n  - name: t\n    check:\n      - user: user:a\n        object: doc:1\n        assertions:\n          viewer: true\n          editor: false\n",
            "a:\n  -\n    b: c\n  - d\n",
            "k: -1\nj: 1.5\nl: null\nm: ~\nn: user:*\no: group:eng#member\n",
            "model: |\n  line one\n  # not a comment\n\n  line three\n\n\nnext: x\n",
            "- user: a\n  relation: b\n- user: c\n  relation: d\n",
            "# leading comment\n\nroot:\n  # inner comment\n  leaf: value\n",
        ]
        for text in cases {
            let fast = BlockYAML.compose(text)
            #expect(fast != nil, "\(text.debugDescription) declined")
            #expect(BlockYAML.compose(text, sectionsInParallelFrom: 0) == fast, "\(text.debugDescription)")
            #expect(fast == Self.yams(text), "\(text.debugDescription)")
        }
    }

    @Test("outside the subset it declines, and Yams decides")
    func declines() {
        let cases = [
            "a: {b: c}\n", "a: [1, 2]\n", "a: &x 1\nb: *x\n", "a: !tag 1\n", "a: \"esc\\n\"\n", "a: 'it''s'\n",
            "a: >\n  folded\n", "a: |-\n  chomped\n", "a:\n", "a: b\na: c\n", "a:\tb\n", "a: é\n", "---\na: b\n",
            "a: b\n  c\n", "a: x: y\n", "? a\n: b\n", "a: b\r\n", "\"a\": b\n", "",
        ]
        for text in cases + ["a: b\nc: d\na: e\n", "a: b\n- c\n", "a:\nb: c\n"] {
            #expect(BlockYAML.compose(text) == nil, "\(text.debugDescription)")
            #expect(BlockYAML.compose(text, sectionsInParallelFrom: 0) == nil, "\(text.debugDescription)")
        }
    }

    @Test("mutations of real files: declined or identical to Yams, never a different tree")
    func mutations() throws {
        var generator = SeededGenerator(seed: 23)
        let seeds = try Self.files().prefix(60).map { try String(contentsOf: $0, encoding: .utf8) }.filter { $0.utf8.count < 20_000 }
        let alphabet = Array(" \n-:#|'\"ab1".utf8)
        var compared = 0
        for seed in seeds {
            for _ in 0..<40 {
                var bytes = Array(seed.utf8)
                guard !bytes.isEmpty else { continue }
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let position = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                    case 1: bytes.remove(at: position)
                    default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                    }
                    if bytes.isEmpty { break }
                }
                let text = String(decoding: bytes, as: UTF8.self)
                // Top-level entries read concurrently: the same tree, or declined alike.
                #expect(BlockYAML.compose(text, sectionsInParallelFrom: 0) == BlockYAML.compose(text, sectionsInParallelFrom: .max), "\(text.debugDescription)")
                guard let fast = BlockYAML.compose(text) else { continue }
                compared += 1
                #expect(fast == Self.yams(text), "\(text.debugDescription)")
            }
        }
        print("block YAML: \(compared) mutations compared")
        #expect(compared > 100)
    }
}

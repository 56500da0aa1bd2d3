import Foundation
import Testing
import WardenModel
import WardenTestSupport

@testable import Warden

/// The byte-level JSONL fast path and the import pipeline: never a different answer from the general parser, and
/// errors in file order.
@Suite("Import fast paths")
struct ImportFastPathTests {
    /// What the general path makes of a line: a tuple, nil (blank), or the error's text.
    static func general(_ line: String) -> String {
        do {
            return try TupleFile.jsonLineTuple(line, file: "f", line: 1).map { "\($0.key) \(String(describing: $0.condition))" } ?? "blank"
        } catch {
            return "error: \(error)"
        }
    }

    static func fast(_ line: String) -> String {
        do {
            let tuple = try Array(line.utf8).withUnsafeBufferPointer { try TupleFile.jsonLineTuple($0, file: "f", line: 1) }
            return tuple.map { "\($0.key) \(String(describing: $0.condition))" } ?? "blank"
        } catch {
            return "error: \(error)"
        }
    }

    @Test("every line, flat or not, reads the same through the byte path as through the general parser")
    func sameAsGeneralParser() {
        let fixed = [
            #"{"user":"user:anne","relation":"viewer","object":"doc:1"}"#,
            #"  {"object":"doc:1" , "user":"user:anne","relation":"viewer"}  "#,
            #"{"user":"user:anne","relation":"viewer","object":"doc:1"}"# + "\r",
            #"{"user":"group:eng#member","relation":"viewer","object":"doc:1"}"#,
            #"{"user":"user:*","relation":"viewer","object":"doc:1"}"#,
            #"{"user":"user:an\u0065","relation":"viewer","object":"doc:1"}"#,
            #"{"user":"user:änne","relation":"viewer","object":"doc:1"}"#,
            #"{"user":"user:anne","relation":"viewer","object":"doc:1","condition":{"name":"c"}}"#,
            #"{"user":"user:anne","relation":"viewer","object":"doc:1","user":"user:bob"}"#,
            #"{"user":"user:anne","relation":"viewer"}"#,
            #"{"user":"user:anne","relation":"viewer","object":"doc:1"} x"#,
            #"{"user":"user:anne","relation":"viewer","object":"doc:1",}"#,
            #"{"user":"user:an ne","relation":"viewer","object":"doc:1"}"#,
            #"{"user":"user:anne","relation":"view#er","object":"doc:1"}"#,
            #"{"user":"user:anne","relation":"viewer","object":"doc"}"#,
            #"{"user":"user:anne","relation":"viewer","object":":1"}"#,
            #"{"user":"user:anne","relation":"","object":"doc:1"}"#,
            #"{"user":"user:anne","relation":"viewer","object":"doc:1"#,
            "{\"user\":\"user:a\tb\",\"relation\":\"viewer\",\"object\":\"doc:1\"}",
            "{\"user\":\"user:a\u{7F}b\",\"relation\":\"viewer\",\"object\":\"doc:1\"}",
            "", "   ", "\u{A0}", "[]", "{}", "null",
        ]
        for line in fixed {
            #expect(Self.fast(line) == Self.general(line), "\(line.debugDescription)")
        }
        // Random lines around the flat shape: every byte of a small alphabet in every position.
        var generator = SeededGenerator(seed: 11)
        let alphabet = Array(#"{}":, \u:*abdegjoensrtvwx1"#.unicodeScalars)
        let base = Array(#"{"user":"user:a","relation":"viewer","object":"doc:1"}"#.unicodeScalars)
        for _ in 0..<3_000 {
            var scalars = base
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<scalars.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: scalars[position] = alphabet.randomElement(using: &generator)!
                case 1: scalars.remove(at: position)
                default: scalars.insert(alphabet.randomElement(using: &generator)!, at: position)
                }
            }
            var line = ""
            line.unicodeScalars.append(contentsOf: scalars)
            #expect(Self.fast(line) == Self.general(line), "\(line.debugDescription)")
        }
    }

    @Test("the pipeline keeps order, stops the producer when the consumer fails, and reports the consumer's error first")
    func pipeline() throws {
        var seen: [Int] = []
        try Pipeline.run(produce: { emit in for chunk in 0..<100 { try emit(chunk) } }, consume: { seen.append($0) })
        #expect(seen == Array(0..<100))

        struct Failure: Error, Equatable { var stage: String }
        nonisolated(unsafe) var produced = 0
        #expect(throws: Failure(stage: "consumer")) {
            try Pipeline.run(
                produce: { emit in
                    for chunk in 0..<1_000_000 {
                        produced = chunk
                        try emit(chunk)
                    }
                },
                consume: { chunk in if chunk == 10 { throw Failure(stage: "consumer") } })
        }
        #expect(produced < 100)
        var consumed: [Int] = []
        #expect(throws: Failure(stage: "producer")) {
            try Pipeline.run(
                produce: { emit in
                    try emit(1)
                    try emit(2)
                    throw Failure(stage: "producer")
                }, consume: { consumed.append($0) })
        }
        #expect(consumed == [1, 2])
    }
}


import Foundation
import WardenModel

extension TupleFile {
    /// Calls `body` with each tuple of the file at `path` and its 1-based line, in file order, without holding the
    /// file: JSONL and CSV are read a chunk at a time (memory bounded by the longest line), YAML and JSON documents
    /// are read whole.
    /// - Throws: ``Failure`` at the file and line of a malformed tuple, or what `body` throws.
    public static func forEach(path: String, _ body: (Int, RelationshipTuple) throws -> Void) throws {
        switch (path as NSString).pathExtension.lowercased() {
        case "jsonl", "ndjson":
            try LineReader.forEachLineBytes(path: path) { line, bytes in
                if let tuple = try jsonLineTuple(bytes, file: path, line: line) { try body(line, tuple) }
            }
        case "csv":
            var reader = CSVTupleReader(file: path)
            var assembler = CSVRecordAssembler()
            func record(_ finished: (text: String, line: Int)?) throws {
                guard let finished, let tuple = try reader.tuple(fromRecord: finished.text, line: finished.line + 1) else { return }
                try body(finished.line + 1, tuple)
            }
            try LineReader.forEachLine(path: path) { line, text in try record(assembler.add(text, line: line - 1)) }
            try record(assembler.finish())
        default:
            let text: String
            do throws(TextFile.Failure) {
                text = try TextFile.read(path)
            } catch {
                throw Failure(file: path, line: error.line, message: error.message)
            }
            for (line, tuple) in try parseListWithLines(text, file: path) { try body(line, tuple) }
        }
    }
}

/// Reads a file line by line in 1 MB chunks; each line must be UTF-8.
enum LineReader {
    static let chunkSize = 1 << 20

    /// Calls `body` with each line as text; a line that is not UTF-8 is an error at its line.
    static func forEachLine(path: String, _ body: (Int, String) throws -> Void) throws {
        try forEachLineBytes(path: path) { line, bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw TupleFile.Failure(file: path, line: line, message: "the line is not valid UTF-8")
            }
            try body(line, text)
        }
    }

    /// Calls `body` with each line's bytes (without its newline), valid only during the call.
    static func forEachLineBytes(path: String, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TupleFile.Failure(file: path, line: nil, message: "cannot read the file")
        }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        var line = 0
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkSize)
            } catch {
                throw TupleFile.Failure(file: path, line: line + 1, message: "cannot read the file: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            buffer.append(contentsOf: chunk)
            let consumed = try buffer.withUnsafeBufferPointer { all -> Int in
                var start = 0
                while let newline = UnsafeBufferPointer(rebasing: all[start...]).firstIndex(of: UInt8(ascii: "\n")) {
                    line += 1
                    try body(line, UnsafeBufferPointer(rebasing: all[start..<(start + newline)]))
                    start += newline + 1
                }
                return start
            }
            buffer.removeSubrange(..<consumed)
        }
        if !buffer.isEmpty {
            line += 1
            try buffer.withUnsafeBufferPointer { try body(line, $0) }
        }
    }
}

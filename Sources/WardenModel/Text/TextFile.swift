import Foundation

/// Reads a text file as UTF-8 for any of Warden's file formats, so every reader reports the same two problems
/// the same way: a file that cannot be read, and the line of the first byte that is not UTF-8.
public enum TextFile {
    /// Why a file could not be read as text.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var path: String
        /// 1-based line of the first invalid byte; nil when the file could not be read at all.
        public var line: Int?
        public var message: String

        public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): error: \(message)" }
    }

    public static func read(_ path: String) throws(Failure) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw Failure(path: path, line: nil, message: "the file \(reason)")
        }
        if let text = String(validating: data, as: UTF8.self) { return text }
        // Find the first invalid sequence: decode line by line.
        var line = 1
        for chunk in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(validating: chunk, as: UTF8.self) == nil { break }
            line += 1
        }
        throw Failure(path: path, line: line, message: "the file is not valid UTF-8")
    }
}

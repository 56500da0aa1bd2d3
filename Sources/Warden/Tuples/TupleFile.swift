import Foundation
import WardenModel
import Yams

/// Reads and writes tuple files in OpenFGA's formats: `.yaml`/`.yml` and `.json` (a list of
/// `{user, relation, object, condition?}`), `.jsonl` (one such object per line) and `.csv` (header
/// `user_type,user_id,user_relation,relation,object_type,object_id,condition_name,condition_context`).
public enum TupleFile {
    /// A malformed tuple file: which file, where, and what.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var file: String
        /// 1-based line (or entry for YAML/JSON lists), when known.
        public var line: Int?
        public var message: String

        public var description: String {
            "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)"
        }
    }

    /// Reads a tuple file, choosing the format by extension.
    /// - Throws: ``Failure`` naming the file and the line or entry of the first bad tuple.
    public static func load(path: String) throws(Failure) -> [RelationshipTuple] {
        let text: String
        do throws(TextFile.Failure) {
            text = try TextFile.read(path)
        } catch {
            throw Failure(file: path, line: error.line, message: error.message)
        }
        return try parse(text, file: path)
    }

    /// Parses tuple-file text; `file`'s extension picks the format (YAML when unknown).
    public static func parse(_ text: String, file: String) throws(Failure) -> [RelationshipTuple] {
        switch (file as NSString).pathExtension.lowercased() {
        case "csv": return try parseCSV(text, file: file)
        case "jsonl", "ndjson": return try parseLines(text, file: file)
        default: return try parseList(text, file: file)
        }
    }

    private static func parseList(_ text: String, file: String) throws(Failure) -> [RelationshipTuple] {
        try parseListWithLines(text, file: file).map(\.tuple)
    }

    /// A YAML or JSON list of tuples, each with the line its entry starts on.
    static func parseListWithLines(_ text: String, file: String) throws(Failure) -> [(line: Int, tuple: RelationshipTuple)] {
        let node: YAMLTree?
        do {
            node = try SafeYAML.tree(text)
        } catch {
            throw Failure(file: file, line: error.line > 0 ? error.line : nil, message: error.message)
        }
        guard let node else { return [] }
        guard case .sequence(let entries, _, _) = node else {
            throw Failure(file: file, line: 1, message: "expected a list of tuples")
        }
        var tuples: [(line: Int, tuple: RelationshipTuple)] = []
        for entry in entries {
            let line = entry.line > 0 ? entry.line : 1
            do {
                tuples.append((line, try tuple(from: JSONValue(yaml: entry))))
            } catch let error as Diagnostic {
                throw Failure(file: file, line: line, message: error.message)
            } catch {
                throw Failure(file: file, line: line, message: "\(error)")
            }
        }
        return tuples
    }

    private static func parseLines(_ text: String, file: String) throws(Failure) -> [RelationshipTuple] {
        var tuples: [RelationshipTuple] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let tuple = try jsonLineTuple(String(line), file: file, line: index + 1) { tuples.append(tuple) }
        }
        return tuples
    }

    /// The tuple on one JSONL line given as bytes (nil for a blank line): the flat shape straight from the bytes,
    /// anything else (or anything the fast path doubts) through the general parser, for its exact errors.
    static func jsonLineTuple(_ bytes: UnsafeBufferPointer<UInt8>, file: String, line: Int) throws(Failure) -> RelationshipTuple? {
        if let flat = FlatTupleLine.parse(bytes), let key = try? TupleKey(object: flat.object, relation: flat.relation, user: flat.user) {
            return RelationshipTuple(key)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Failure(file: file, line: line, message: "the line is not valid UTF-8")
        }
        return try jsonLineTuple(text, file: file, line: line)
    }

    /// The tuple on one JSONL line (nil for a blank line); `line` is 1-based.
    static func jsonLineTuple(_ text: String, file: String, line: Int) throws(Failure) -> RelationshipTuple? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        do {
            return try tuple(from: JSONValue.parse(trimmed))
        } catch let error as Diagnostic {
            throw Failure(file: file, line: line, message: error.message)
        } catch {
            throw Failure(file: file, line: line, message: "\(error)")
        }
    }

    private static let tupleKeys = ["user", "relation", "object", "condition", "expires_at"]
    private static let conditionKeys = ["name", "context"]

    /// Refuses a key the format does not know, or one given twice (whatever the file format: JSON, JSONL, YAML).
    /// Keys are compared by bytes, and a handful of them by scanning: a tuple's keys hash nothing.
    private static func checkKeys(_ members: [(String, JSONValue)], allowed: [String], in what: String) throws {
        for (index, (key, _)) in members.enumerated() {
            guard allowed.contains(where: { $0.bytesEqual(key) }) else {
                throw Diagnostic(
                    kind: .invalidJSON, message: "unknown key '\(key)' in \(what) (known keys: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard !members[..<index].contains(where: { $0.0.bytesEqual(key) }) else {
                throw Diagnostic(kind: .invalidJSON, message: "the key '\(key)' appears twice in \(what)")
            }
        }
    }

    /// One tuple from `{user, relation, object, condition: {name, context}}`.
    public static func tuple(from value: JSONValue) throws -> RelationshipTuple {
        func string(_ name: String) throws -> String {
            guard case .string(let text)? = value[name] else {
                throw Diagnostic(kind: .invalidJSON, message: "a tuple needs a string '\(name)'")
            }
            return text
        }
        guard case .object(let members) = value else { throw Diagnostic(kind: .invalidJSON, message: "a tuple must be a mapping") }
        try checkKeys(members, allowed: tupleKeys, in: "a tuple")
        if case .object(let conditionMembers)? = value["condition"] {
            try checkKeys(conditionMembers, allowed: conditionKeys, in: "a tuple's condition")
        }
        let key = try TupleKey(object: string("object"), relation: string("relation"), user: string("user"))
        var condition: TupleCondition?
        if let conditionValue = value["condition"], conditionValue != .null {
            guard case .string(let name)? = conditionValue["name"] else {
                throw Diagnostic(kind: .invalidJSON, message: "tuple '\(key)': a condition needs a string 'name'")
            }
            let context = conditionValue["context"].flatMap { $0 == .null ? nil : $0 }
            condition = TupleCondition(name: name, context: context)
        }
        var expiry: UInt64?
        if let expires = value["expires_at"], expires != .null {
            // A Warden extension: OpenFGA's clients never send it.
            guard case .string(let text) = expires, let parsed = TupleExpiry.parse(text) else {
                throw Diagnostic(kind: .invalidJSON, message: "tuple '\(key)': 'expires_at' must be an RFC 3339 timestamp, such as 2026-12-31T00:00:00Z")
            }
            expiry = parsed
        }
        return RelationshipTuple(key, condition: condition, expiresAtMilliseconds: expiry)
    }

    /// The JSON form of a tuple, as `tuple(from:)` reads it.
    public static func json(_ tuple: RelationshipTuple) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("user", .string(tuple.key.user.description)), ("relation", .string(tuple.key.relation)),
            ("object", .string(tuple.key.object.description)),
        ]
        if let condition = tuple.condition {
            var conditionMembers: [(String, JSONValue)] = [("name", .string(condition.name))]
            if let context = condition.context { conditionMembers.append(("context", context)) }
            members.append(("condition", .object(conditionMembers)))
        }
        if let expiry = tuple.expiresAtMilliseconds { members.append(("expires_at", .string(TupleExpiry.format(expiry)))) }
        return .object(members)
    }
}

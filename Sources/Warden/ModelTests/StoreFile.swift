import Foundation
import WardenConditions
import WardenModel
import Yams

/// An OpenFGA store file (`.fga.yaml`, the format `fga model test` reads): a model (inline or `model_file`),
/// tuples (inline, `tuple_file` or `tuple_files`) and tests of Check, ListObjects and ListUsers assertions.
public struct StoreFile: Sendable {
    /// A malformed store file: which file, where in it when known (1-based), and what.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var file: String
        public var message: String
        public var line: Int? = nil
        public var column: Int? = nil
        public var description: String {
            guard let line else { return "\(file): error: \(message)" }
            return "\(file):\(line):\(column ?? 1): error: \(message)"
        }
    }

    /// `check` entry: one user and object, relation → expected answer.
    public struct CheckCase: Sendable {
        public var user: String
        public var object: String
        public var context: JSONValue?
        public var assertions: [(relation: String, expected: Bool)]
    }

    /// `list_objects` entry: one user and type, relation → expected objects.
    public struct ListObjectsCase: Sendable {
        public var user: String
        public var type: String
        public var context: JSONValue?
        public var assertions: [(relation: String, expected: [String])]
    }

    /// `list_users` entry: one object and user filter, relation → expected users.
    public struct ListUsersCase: Sendable {
        public var object: String
        public var filters: [(type: String, relation: String?)]
        public var context: JSONValue?
        public var assertions: [(relation: String, expected: [String])]
    }

    /// One entry of `tests`.
    public struct Test: Sendable {
        public var name: String
        public var tuples: [RelationshipTuple]
        public var checks: [CheckCase]
        public var listObjects: [ListObjectsCase]
        public var listUsers: [ListUsersCase]
    }

    public var path: String
    public var name: String?
    public var model: AuthorizationModel
    public var tuples: [RelationshipTuple]
    public var tests: [Test]

    /// Reads and validates a store file; relative `model_file` and `tuple_file(s)` resolve against its folder.
    /// - Throws: ``Failure`` naming the file and the problem (a model error carries its own line and column).
    public static func load(path: String) throws(Failure) -> StoreFile {
        let text: String
        do throws(TextFile.Failure) {
            text = try TextFile.read(path)
        } catch {
            // fga's wording for a file that is not there; the line of an invalid byte otherwise.
            guard let line = error.line else { throw Failure(file: path, message: "test file does not exist or cannot be read") }
            throw Failure(file: path, message: error.message, line: line)
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(Failure) -> StoreFile {
        func fail(_ message: String) -> Failure { Failure(file: path, message: message) }
        let document: JSONValue
        do {
            guard let node = try SafeYAML.tree(text) else { throw fail("the file is empty") }
            if let unknown = StoreFileSchema.store.firstUnknownKey(in: node) {
                throw Failure(file: path, message: unknown.message, line: unknown.line, column: unknown.column)
            }
            document = try JSONValue(yaml: node)
            releaseInBackground(node)
        } catch let problem as SafeYAML.Problem {
            throw Failure(file: path, message: problem.message, line: problem.line > 0 ? problem.line : nil, column: problem.column)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw fail("not valid YAML: \(error)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        func resolve(_ file: String) -> String { file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file) }

        let model: AuthorizationModel
        do throws(ModelError) {
            if case .string(let modelText)? = document["model"] {
                model = try DSLParser.parseModel(modelText, file: path)
                try ConditionValidation.validate(model)
            } else if case .string(let modelFile)? = document["model_file"] {
                model = try ConditionValidation.loadValidated(path: resolve(modelFile))
            } else {
                throw ModelError([Diagnostic(kind: .invalidJSON, message: "the file has neither 'model' nor 'model_file'")])
            }
        } catch {
            throw fail("invalid model:\n\(error)")
        }

        var tuples: [RelationshipTuple] = []
        do {
            tuples += try inlineTuples(document["tuples"])
            var files: [String] = []
            if case .string(let file)? = document["tuple_file"] { files.append(file) }
            if case .array(let list)? = document["tuple_files"] {
                for case .string(let file) in list { files.append(file) }
            }
            for file in files { tuples += try TupleFile.load(path: resolve(file)) }
        } catch let failure as TupleFile.Failure {
            throw Failure(file: failure.file, message: "\(failure.line.map { "line \($0): " } ?? "")\(failure.message)")
        } catch {
            throw fail("invalid tuple: \(error)")
        }

        var tests: [Test] = []
        guard case .array(let testValues)? = document["tests"] ?? .array([]) else { throw fail("'tests' must be a list") }
        for (index, value) in testValues.enumerated() {
            do {
                var parsed = try test(value, index: index)
                if case .string(let file)? = value["tuple_file"] { parsed.tuples += try TupleFile.load(path: resolve(file)) }
                tests.append(parsed)
            } catch let failure as TupleFile.Failure {
                throw Failure(file: failure.file, message: "\(failure.line.map { "line \($0): " } ?? "")\(failure.message)")
            } catch {
                throw fail("test \(index + 1): \(error)")
            }
        }
        var name: String?
        if case .string(let text)? = document["name"] { name = text }
        releaseInBackground(document)
        return StoreFile(path: path, name: name, model: model, tuples: tuples, tests: tests)
    }

    private static func inlineTuples(_ value: JSONValue?) throws -> [RelationshipTuple] {
        guard let value, value != .null else { return [] }
        guard case .array(let entries) = value else { throw Diagnostic(kind: .invalidJSON, message: "'tuples' must be a list") }
        return try entries.mapOnCores(TupleFile.tuple(from:))
    }

    private static func members(_ value: JSONValue?) -> [(String, JSONValue)] {
        if case .object(let members)? = value { return members }
        return []
    }

    private static func list(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let values)? = value { return values }
        return []
    }

    private static func string(_ value: JSONValue?, _ what: String) throws -> String {
        guard case .string(let text)? = value else { throw Diagnostic(kind: .invalidJSON, message: "'\(what)' must be a string") }
        return text
    }

    private static func context(_ value: JSONValue?) -> JSONValue? {
        guard let value, value != .null else { return nil }
        return value
    }

    private static func strings(_ value: JSONValue, _ what: String) throws -> [String] {
        if value == .null { return [] }
        guard case .array(let values) = value else { throw Diagnostic(kind: .invalidJSON, message: "'\(what)' must be a list") }
        return try values.map { try string($0, what) }
    }

    private static func test(_ value: JSONValue, index: Int) throws -> Test {
        var name = "test \(index + 1)"
        if case .string(let text)? = value["name"] { name = text }
        let tuples = try inlineTuples(value["tuples"])
        let checks = try list(value["check"]).mapOnCores { entry in
            CheckCase(
                user: try string(entry["user"], "user"), object: try string(entry["object"], "object"),
                context: context(entry["context"]),
                assertions: try members(entry["assertions"]).map { relation, expected in
                    guard case .bool(let flag) = expected else {
                        throw Diagnostic(kind: .invalidJSON, message: "check assertion '\(relation)' must be true or false")
                    }
                    return (relation, flag)
                })
        }
        let listObjects = try list(value["list_objects"]).map { entry in
            ListObjectsCase(
                user: try string(entry["user"], "user"), type: try string(entry["type"], "type"),
                context: context(entry["context"]),
                assertions: try members(entry["assertions"]).map { relation, expected in
                    (relation, try strings(expected, "assertions.\(relation)"))
                })
        }
        let listUsers = try list(value["list_users"]).map { entry in
            ListUsersCase(
                object: try string(entry["object"], "object"),
                filters: try list(entry["user_filter"]).map { filter in
                    var relation: String?
                    if case .string(let text)? = filter["relation"] { relation = text }
                    return (try string(filter["type"], "user_filter.type"), relation)
                },
                context: context(entry["context"]),
                assertions: try members(entry["assertions"]).map { relation, expected in
                    (relation, try strings(expected["users"] ?? .null, "assertions.\(relation).users"))
                })
        }
        return Test(name: name, tuples: tuples, checks: checks, listObjects: listObjects, listUsers: listUsers)
    }
}

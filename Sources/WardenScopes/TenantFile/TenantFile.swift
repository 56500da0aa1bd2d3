import Foundation
import WardenModel
import Yams

/// The tenant YAML file: Auth0's Deploy CLI sections and field names (`resourceServers`, `roles`, `clients`,
/// `clientGrants`), plus a `users` section for role assignments and direct permissions.
public enum TenantFile {
    /// A tenant file that cannot be read: which file and what.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): error: \(message)" }
    }

    /// Reads a tenant file.
    /// - Throws: ``Failure`` naming the field that is wrong.
    public static func load(path: String) throws(Failure) -> Directory {
        let text: String
        do throws(TextFile.Failure) {
            text = try TextFile.read(path)
        } catch {
            throw Failure(file: path, message: error.line.map { "line \($0): \(error.message)" } ?? error.message)
        }
        return try parse(text, file: path)
    }

    /// Parses tenant YAML.
    public static func parse(_ text: String, file: String = "tenant.yaml") throws(Failure) -> Directory {
        let document: TenantDocument
        do {
            guard let node = try SafeYAML.compose(text) else {
                throw SafeYAML.Problem(line: 1, column: 1, message: "the file is empty: a tenant needs at least one section")
            }
            if let problem = TenantSchema.tenant.firstUnknownKey(in: node) ?? TenantSchema.firstDuplicate(in: node) {
                throw problem
            }
            document = try YAMLDecoder().decode(TenantDocument.self, from: node)
        } catch let problem as SafeYAML.Problem {
            throw Failure(file: problem.line > 0 ? "\(file):\(problem.line):\(problem.column)" : file, message: problem.message)
        } catch let error as DecodingError {
            throw Failure(file: file, message: describe(error))
        } catch {
            throw Failure(file: file, message: "not valid YAML: \(error)")
        }
        do {
            return try document.directory()
        } catch let message as TenantDocument.Problem {
            throw Failure(file: file, message: message.text)
        } catch {
            throw Failure(file: file, message: "\(error)")
        }
    }

    /// The directory as tenant YAML (round-trips through ``parse(_:file:)``).
    public static func export(_ directory: Directory) -> String {
        (try? YAMLEncoder().encode(TenantDocument(directory))) ?? ""
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context).isEmpty ? "" : path(context) + ": ")missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

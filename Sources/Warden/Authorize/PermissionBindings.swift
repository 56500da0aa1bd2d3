import Foundation
import WardenEngine
import WardenModel
import WardenScopes
import Yams

/// Which relation on which object type each token permission stands for: `write:products: product#can_write`.
/// A permission with no binding is an error when used, never a silent allow.
///
/// The file (`bindings.yaml` beside a model):
/// ```yaml
/// audience: https://api.retail.example      # the API whose permissions these are
/// bindings:
///   read:products: product#can_read
///   write:products: product#can_write
/// ```
public struct PermissionBindings: Hashable, Sendable {
    /// One permission's relation.
    public struct Target: Hashable, Sendable, CustomStringConvertible {
        public var objectType: String
        public var relation: String
        public var description: String { "\(objectType)#\(relation)" }
    }

    /// A bindings file that cannot be used: which file and what.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): error: \(message)" }
    }

    /// The API (audience) the permissions belong to.
    public var audience: String
    /// Permission → relation, in file order.
    public var bindings: [(permission: String, target: Target)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.audience == rhs.audience && lhs.bindings.elementsEqual(rhs.bindings) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(audience)
        for (permission, target) in bindings {
            hasher.combine(permission)
            hasher.combine(target)
        }
    }

    /// The relation `permission` stands for, or nil.
    public func target(for permission: String) -> Target? {
        bindings.first { $0.permission.bytesEqual(permission) }?.target
    }

    /// Reads a bindings file.
    /// - Throws: ``Failure`` naming the entry that is malformed.
    public static func load(path: String) throws(Failure) -> PermissionBindings {
        let text: String
        do throws(TextFile.Failure) {
            text = try TextFile.read(path)
        } catch {
            throw Failure(file: path, message: error.line.map { "line \($0): \(error.message)" } ?? error.message)
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = "bindings.yaml") throws(Failure) -> PermissionBindings {
        let value: JSONValue
        do {
            guard let node = try SafeYAML.compose(text) else { throw Failure(file: file, message: "the file is empty") }
            value = try JSONValue(yaml: node)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(file: file, message: "not valid YAML: \(error)")
        }
        guard case .string(let audience)? = value["audience"] else {
            throw Failure(file: file, message: "'audience' (the API's identifier) is required")
        }
        guard case .object(let entries)? = value["bindings"] else {
            throw Failure(file: file, message: "'bindings' must map permissions to type#relation")
        }
        var bindings: [(String, Target)] = []
        for (permission, targetValue) in entries {
            guard case .string(let text) = targetValue, let hash = text.firstIndex(of: "#"),
                !text[..<hash].isEmpty, !text[text.index(after: hash)...].isEmpty
            else {
                throw Failure(file: file, message: "binding '\(permission)' must be written type#relation, as in product#can_write")
            }
            bindings.append((permission, Target(objectType: String(text[..<hash]), relation: String(text[text.index(after: hash)...]))))
        }
        return PermissionBindings(audience: audience, bindings: bindings)
    }

    /// Problems that make the bindings unusable: a type or relation the model lacks, a permission the API does not
    /// define (or an unknown API), a permission bound twice.
    public func problems(model: AuthorizationModel, tenant: Directory?) -> [String] {
        var problems: [String] = []
        var seen = Set<String>()
        for (permission, target) in bindings {
            if !seen.insert(permission).inserted { problems.append("permission '\(permission)' is bound twice") }
            guard let type = model.typeDefinition(named: target.objectType) else {
                problems.append("'\(permission)' binds to type '\(target.objectType)', which the model does not define")
                continue
            }
            if type.relation(named: target.relation) == nil {
                problems.append("'\(permission)' binds to '\(target)', but type '\(target.objectType)' has no relation '\(target.relation)'")
            }
            if let tenant {
                guard let api = tenant.resourceServer(audience) else {
                    problems.append("the tenant has no API '\(audience)'")
                    continue
                }
                if !api.defines(permission) { problems.append("permission '\(permission)' is not defined on API '\(audience)'") }
            }
        }
        return problems
    }

    /// Findings that do not block use: API permissions with no binding, and `can_*` relations no permission reaches.
    public func lint(model: AuthorizationModel, tenant: Directory?) -> [String] {
        var findings: [String] = []
        if let api = tenant?.resourceServer(audience) {
            for permission in api.permissions where target(for: permission.value) == nil {
                findings.append("permission '\(permission.value)' of '\(audience)' binds to no relation: using it is always denied")
            }
        }
        let reached = Set(bindings.map(\.target))
        for type in model.typeDefinitions {
            for relation in type.relations where relation.name.hasPrefix("can_") {
                let target = Target(objectType: type.name, relation: relation.name)
                if !reached.contains(target) { findings.append("relation '\(target)' is reached by no permission") }
            }
        }
        return findings
    }
}

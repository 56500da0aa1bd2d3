import Yams

/// An `fga.mod` manifest (schema 1.2): the module files that together make one model.
///
/// ```yaml
/// schema: '1.2'
/// contents:
///   - core.fga
///   - team1/project.fga
/// ```
public struct ModuleManifest: Hashable, Sendable {
    /// The schema version; always `1.2`.
    public var schema: String
    /// The module files, relative to the manifest's folder.
    public var contents: [String]

    /// Reads a manifest.
    /// - Throws: ``ModelError`` naming each problem's line and column: a missing or non-string `schema`, a
    ///   version other than 1.2, missing `contents`, items that are not `.fga` paths inside the folder.
    public static func parse(_ text: String, file: String? = "fga.mod") throws(ModelError) -> ModuleManifest {
        let origin = SourceRange(file: file, start: .init(line: 0, column: 0), end: .init(line: 0, column: 0))
        func fail(_ message: String, _ range: SourceRange?) -> Diagnostic {
            Diagnostic(kind: .moduleError, message: message, range: range ?? origin)
        }
        let root: Node?
        do {
            root = try SafeYAML.compose(text)
        } catch {
            throw ModelError([fail("fga.mod is not valid YAML: \(error)", origin)])
        }
        guard case .mapping(let mapping)? = root else {
            throw ModelError([fail("fga.mod must be a mapping with 'schema' and 'contents'", origin)])
        }
        var diagnostics: [Diagnostic] = []
        var schema = ""
        switch mapping["schema"] {
        case nil:
            diagnostics.append(fail("missing schema field", origin))
        case .scalar(let scalar)? where scalar.style != .plain || (scalar.string != "true" && scalar.string != "false"):
            schema = scalar.string
            if schema != "1.2" {
                diagnostics.append(
                    fail("unsupported schema version, fga.mod only supported in version `1.2`", range(of: .scalar(scalar), file: file)))
            }
        case let node?:
            diagnostics.append(
                fail("unexpected schema type, expected string got value \(node.string ?? "")", range(of: node, file: file)))
        }
        var contents: [String] = []
        switch mapping["contents"] {
        case nil:
            diagnostics.append(fail("missing contents field", origin))
        case .sequence(let items)?:
            for item in items {
                guard case .scalar(let scalar) = item, scalar.style != .plain || !isNonString(scalar.string) else {
                    diagnostics.append(
                        fail("unexpected contents item type, expected string got value \(item.string ?? "")", range(of: item, file: file)))
                    continue
                }
                let path = scalar.string
                if !path.hasSuffix(".fga") {
                    diagnostics.append(fail("contents items should use fga file extension, got \(path)", range(of: item, file: file)))
                } else if !isInsideFolder(path) {
                    diagnostics.append(fail("invalid contents item \(path)", range(of: item, file: file)))
                } else {
                    contents.append(path)
                }
            }
        case let node?:
            diagnostics.append(
                fail("unexpected contents type, expected list of strings got value \(node.string ?? "")", range(of: node, file: file)))
        }
        if !diagnostics.isEmpty { throw ModelError(diagnostics) }
        return ModuleManifest(schema: schema, contents: contents)
    }

    static func isNonString(_ plain: String) -> Bool {
        plain == "true" || plain == "false" || plain == "null" || Double(plain) != nil
    }

    /// A relative path that stays inside the manifest's folder: no `..`, no absolute path, no encoded tricks.
    static func isInsideFolder(_ path: String) -> Bool {
        if path.hasPrefix("/") || path.hasPrefix("\\") || path.contains("%") { return false }
        let parts = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        return !parts.contains("..")
    }

    static func range(of node: Node, file: String?) -> SourceRange? {
        guard let mark = node.mark else { return nil }
        let start = SourcePosition(line: mark.line - 1, column: mark.column - 1)
        let length = node.scalar.map { $0.style == .plain ? $0.string.count : $0.string.count + 2 } ?? 0
        return SourceRange(file: file, start: start, end: SourcePosition(line: start.line, column: start.column + length))
    }
}

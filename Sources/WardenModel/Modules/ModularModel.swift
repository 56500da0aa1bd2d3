/// Combines schema 1.2 module files into one authorization model, as `fga model transform` does for an
/// `fga.mod` manifest: types keep the module and file that defined them, `extend type` adds relations to a
/// type another module defines, and the combined model is validated as a whole.
public enum ModularModel {
    /// One module file's name and text.
    public struct File: Sendable {
        public var name: String
        public var text: String

        public init(name: String, text: String) {
            self.name = name
            self.text = text
        }
    }

    /// Combines `files` (in manifest order) into one model.
    /// - Throws: ``ModelError`` with every problem, each naming its file, line and column: syntax errors,
    ///   a file without a `module` header, duplicate types or conditions, extensions of a missing type or of a
    ///   relation that already exists, and the combined model's validation errors.
    public static func combine(_ files: [File]) throws(ModelError) -> AuthorizationModel {
        var diagnostics: [Diagnostic] = []
        var parsed: [(file: File, module: String, content: DSLFile)] = []
        for file in files {
            do {
                let content = try DSLParser.parseFile(file.text, file: file.name)
                guard case .module(let module, _) = content.header else {
                    diagnostics.append(
                        Diagnostic(
                            kind: .moduleError, message: "file is not a module",
                            range: SourceRange(file: file.name, start: .init(line: 0, column: 0), end: .init(line: 0, column: 0))))
                    continue
                }
                parsed.append((file, module, content))
            } catch {
                diagnostics += error.diagnostics
            }
        }

        var model = AuthorizationModel(schemaVersion: "1.2")
        var typeIndex: [String: Int] = [:]
        var conditionNames: Set<String> = []
        for (file, module, content) in parsed {
            let source = ModuleSource(module: module, file: file.name)
            for var type in content.typeDefinitions {
                if typeIndex[type.name] != nil {
                    diagnostics.append(
                        Diagnostic(
                            kind: .duplicatedError, message: "duplicate type \(type.name)", symbol: type.name,
                            range: type.nameRange))
                    continue
                }
                type.source = source
                typeIndex[type.name] = model.typeDefinitions.count
                model.typeDefinitions.append(type)
            }
            for var condition in content.conditions {
                guard conditionNames.insert(condition.name).inserted else {
                    diagnostics.append(
                        Diagnostic(
                            kind: .duplicatedError, message: "duplicate condition \(condition.name)",
                            symbol: condition.name, range: condition.nameRange))
                    continue
                }
                condition.source = source
                model.conditions.append(condition)
            }
        }
        for (file, module, content) in parsed {
            for ext in content.extensions {
                guard let index = typeIndex[ext.typeName] else {
                    diagnostics.append(
                        Diagnostic(
                            kind: .moduleError, message: "extended type \(ext.typeName) does not exist",
                            symbol: ext.typeName, range: ext.nameRange))
                    continue
                }
                for var relation in ext.relations {
                    if model.typeDefinitions[index].relation(named: relation.name) != nil {
                        diagnostics.append(
                            Diagnostic(
                                kind: .duplicatedError,
                                message: "relation \(relation.name) already exists on type \(ext.typeName)",
                                symbol: relation.name, range: relation.nameRange))
                        continue
                    }
                    relation.source = ModuleSource(module: module, file: file.name)
                    model.typeDefinitions[index].relations.append(relation)
                }
            }
        }
        diagnostics += ModelValidator().diagnose(model)
        if !diagnostics.isEmpty { throw ModelError(diagnostics) }
        return model
    }
}

import Foundation
import Testing
import WardenModel
import WardenTestSupport

/// Modular models (schema 1.2, `conformance/dsl/modules` and `dsl/invalid/fga-mod.yaml`): module files combine
/// into OpenFGA's expected model, and broken ones report each expected error at its file and line.
@Suite("Modular models (fga.mod)")
struct ModuleCorpusTests {
    static let folders: [String] = {
        guard let base = Fixtures.conformance?.appendingPathComponent("dsl/modules"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: base.path)
        else { return [] }
        return names.filter { FileManager.default.fileExists(atPath: base.appendingPathComponent("\($0)/module").path) }.sorted()
    }()

    static func files(_ folder: String) throws -> [ModularModel.File] {
        let base = try #require(Fixtures.conformance).appendingPathComponent("dsl/modules/\(folder)/module")
        return try FileManager.default.contentsOfDirectory(atPath: base.path).sorted().map {
            ModularModel.File(name: $0, text: try Fixtures.text(base.appendingPathComponent($0)))
        }
    }

    /// A model document with types in name order, for comparing combined models as data.
    static func sortedTypes(_ value: JSONValue) -> JSONValue {
        guard case .object(var members) = value.canonical else { return value }
        for index in members.indices where members[index].0 == "type_definitions" {
            if case .array(let types) = members[index].1 {
                members[index].1 = .array(types.sorted { typeName($0) < typeName($1) })
            }
        }
        return .object(members)
    }

    @Test("module folders combine to OpenFGA's model or report its errors", arguments: folders)
    func combine(folder: String) throws {
        let base = try #require(Fixtures.conformance).appendingPathComponent("dsl/modules/\(folder)")
        let expectedModel = base.appendingPathComponent("authorization-model.json")
        if FileManager.default.fileExists(atPath: expectedModel.path) {
            let model = try ModularModel.combine(try Self.files(folder))
            let expected = try JSONValue.parse(try Fixtures.text(expectedModel))
            #expect(Self.sortedTypes(ModelJSON.encode(model)) == Self.sortedTypes(expected))
            return
        }
        let errorsFile = base.appendingPathComponent("expected_errors.json")
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: errorsFile)) as? [[String: Any]])
        var diagnostics: [Diagnostic] = []
        let files = try Self.files(folder)
        do {
            _ = try ModularModel.combine(files)
        } catch {
            diagnostics = error.diagnostics
        }
        #expect(!diagnostics.isEmpty)
        for error in expected {
            let file = error["file"] as? String
            let line = (error["line"] as? [String: Any])?["start"] as? Int
            let found = diagnostics.contains { $0.range?.file == file && $0.range?.start.line == line }
            #expect(found, "expected an error in \(file ?? "?") at line \((line ?? 0) + 1): \(error["msg"] ?? ""); got \(diagnostics)")
        }
    }

    @Test("fga.mod manifests parse or fail at the expected line", arguments: (try? Fixtures.yamlCases("dsl/invalid/fga-mod.yaml")).map { Array($0.indices) } ?? [])
    func manifest(index: Int) throws {
        let raw = try Fixtures.yamlCases("dsl/invalid/fga-mod.yaml")[index]
        let text = try #require(raw["modFile"] as? String)
        let expected = raw["expected_errors"] as? [[String: Any]] ?? []
        do {
            let manifest = try ModuleManifest.parse(text)
            #expect(expected.isEmpty, "expected errors, got \(manifest)")
            #expect(manifest.schema == "1.2")
            #expect(!manifest.contents.isEmpty)
        } catch {
            #expect(!expected.isEmpty, "expected a valid manifest, got \(error)")
            for item in expected {
                let line = (item["line"] as? [String: Any])?["start"] as? Int
                #expect(error.diagnostics.contains { $0.range?.start.line == line }, "expected line \(line ?? -1): \(item["msg"] ?? ""), got \(error)")
            }
        }
    }
}

private func typeName(_ type: JSONValue) -> String {
    if case .string(let name)? = type["type"] { return name }
    return ""
}

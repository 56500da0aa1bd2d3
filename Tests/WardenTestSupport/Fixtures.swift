import Foundation
import WardenModel
import Yams

/// Finds the shared OpenFGA conformance corpus (`../shared/conformance` beside the checkout) and reads it.
///
/// The corpus is not part of the repository: tests that need it call ``Fixtures/conformance`` and skip with a
/// visible message when it is absent.
public enum Fixtures {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared/conformance`, when it exists (`WARDEN_CONFORMANCE` overrides the location).
    public static let conformance: URL? = {
        let candidates = [
            ProcessInfo.processInfo.environment["WARDEN_CONFORMANCE"].map { URL(fileURLWithPath: $0) },
            repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance"),
        ]
        let found = candidates.compactMap { $0 }.first {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if found == nil {
            FileHandle.standardError.write(
                Data("note: ../shared/conformance not found; conformance tests are skipped\n".utf8))
        }
        return found
    }()

    /// Whether the corpus is present; when it is not, prints a visible `SKIPPED:` line naming what is not run.
    public static func corpusPresent(for what: String) -> Bool {
        if conformance != nil { return true }
        print("SKIPPED: ../shared/conformance is absent; \(what) not run")
        return false
    }

    /// The files in a corpus folder with the given extension, sorted by name; empty without the corpus.
    public static func corpusFiles(_ folder: String, extension ext: String) -> [URL] {
        guard let base = conformance?.appendingPathComponent(folder),
            let names = try? FileManager.default.contentsOfDirectory(atPath: base.path)
        else { return [] }
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { base.appendingPathComponent($0) }
    }

    /// A JSON file of the repository (`Tests/Fixtures/…`) holding a list of objects, each as a dictionary.
    public static func repositoryObjects(_ relativePath: String) throws -> [[String: JSONValue]] {
        let url = repositoryRoot.appendingPathComponent(relativePath)
        guard case .array(let items) = try JSONValue.parse(try text(url)) else { return [] }
        return items.compactMap { item in
            guard case .object(let members) = item else { return nil }
            return Dictionary(members, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The text of a file.
    public static func text(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    /// A corpus YAML file's `cases` list; empty without the corpus.
    public static func yamlCases(_ path: String) throws -> [[String: Any]] {
        guard let url = conformance?.appendingPathComponent(path) else { return [] }
        let document = try Yams.load(yaml: try text(url)) as? [String: Any]
        return document?["cases"] as? [[String: Any]] ?? []
    }
}

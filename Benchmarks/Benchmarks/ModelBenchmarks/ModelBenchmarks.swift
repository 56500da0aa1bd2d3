import Benchmark
import Foundation
import WardenModel

/// The largest model available: the biggest model in the shared conformance corpus when it is beside the
/// checkout (its `check/` store files and `dsl/transform/` pairs), else the largest model in `models/`.
func largestModel() -> (name: String, text: String) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    var candidates: [(String, String)] = []
    let corpus = root.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    if let enumerator = FileManager.default.enumerator(atPath: corpus.path) {
        for case let path as String in enumerator {
            let url = corpus.appendingPathComponent(path)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            if path.hasSuffix(".fga") && path.contains("transform") {
                candidates.append((path, text))
            } else if path.hasSuffix(".fga.yaml"), let model = embeddedModel(text) {
                candidates.append((path, model))
            }
        }
    }
    for folder in ["warehouse", "care-unit"] {
        let url = root.appendingPathComponent("models/\(folder)/model.fga")
        if let text = try? String(contentsOf: url, encoding: .utf8) { candidates.append((url.path, text)) }
    }
    let valid = candidates.filter { (try? ModelValidator().validate(DSLParser.parseModel($0.1))) != nil }
    return valid.max { $0.1.utf8.count < $1.1.utf8.count } ?? ("none", "model\n  schema 1.1\n")
}

/// The `model: |` block of a store file (indented literal block).
func embeddedModel(_ storeFile: String) -> String? {
    var lines = storeFile.components(separatedBy: "\n")[...]
    guard let start = lines.firstIndex(where: { $0.hasPrefix("model: |") }) else { return nil }
    lines = lines[(start + 1)...]
    var body: [String] = []
    for line in lines {
        if !line.isEmpty && !line.hasPrefix("  ") { break }
        body.append(line.isEmpty ? "" : String(line.dropFirst(2)))
    }
    return body.joined(separator: "\n")
}

let benchmarks: @Sendable () -> Void = {
    let (name, text) = largestModel()
    print("largest model: \(name) (\(text.utf8.count) bytes)")
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .instructions], timeUnits: .microseconds, maxDuration: .seconds(3))

    Benchmark("Parse + validate the largest corpus model", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let model = try DSLParser.parseModel(text)
            try ModelValidator().validate(model)
            blackHole(model)
        }
    }

    Benchmark("Parse only (largest corpus model)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try DSLParser.parseModel(text))
        }
    }

    let model = try! DSLParser.parseModel(text)
    Benchmark("DSL → OpenFGA JSON text (largest corpus model)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ModelJSON.encodeText(model))
        }
    }
}

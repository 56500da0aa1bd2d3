import Foundation
import WardenModel
import Yams

/// A scenario test file (`scenarios.yaml` in a folder of `models/`): the folder's tenant, model, bindings and
/// tuples, and cases of (user or client, application, requested scopes, permission, object, context) →
/// expected decision and deciding layer.
///
/// ```yaml
/// tenant: tenant.yaml
/// model: model.fga
/// bindings: bindings.yaml
/// tuples: [tuples.yaml]
/// cases:
///   - name: a support agent cannot write products
///     user: auth0|sam                 # or `client: inventory-sync` for client credentials
///     application: admin-portal
///     scopes: read:orders write:products
///     permission: write:products
///     object: product:espresso-machine
///     expect: denied                  # allowed | denied
///     decided_by: token               # token | relationship
///     token: expired                  # optional: expired | wrong-audience | tampered
/// ```
public struct ScenarioFile: Sendable {
    /// A token deliberately broken for a case.
    public enum BrokenToken: String, Sendable {
        case expired, wrongAudience = "wrong-audience", tampered
    }

    public struct Case: Sendable {
        public var name: String
        public var user: String?
        public var client: String?
        public var application: String
        public var scopes: String?
        public var permission: String
        public var object: String
        public var context: JSONValue?
        public var expectAllowed: Bool
        public var expectedLayer: String
        public var brokenToken: BrokenToken?
    }

    public var folder: String
    public var tenant: String
    public var model: String
    public var bindings: String
    public var tuples: [String]
    public var cases: [Case]

    /// A malformed scenario file: which file and what.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): error: \(message)" }
    }

    /// Reads `scenarios.yaml` in `folder`.
    public static func load(folder: String) throws(Failure) -> ScenarioFile {
        let path = (folder as NSString).appendingPathComponent("scenarios.yaml")
        func fail(_ message: String) -> Failure { Failure(file: path, message: message) }
        let document: JSONValue
        do {
            let text = try TextFile.read(path)
            guard let node = try SafeYAML.compose(text) else { throw fail("the file is empty") }
            document = try JSONValue(yaml: node)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw fail("cannot read it: \(error)")
        }
        func string(_ value: JSONValue?, _ field: String, default fallback: String? = nil) throws(Failure) -> String {
            if case .string(let text)? = value { return text }
            if let fallback { return fallback }
            throw fail("'\(field)' must be a string")
        }
        var tuples: [String] = []
        if case .array(let files)? = document["tuples"] { for case .string(let file) in files { tuples.append(file) } }
        guard case .array(let entries)? = document["cases"] else { throw fail("'cases' must be a list") }
        var cases: [Case] = []
        for (index, entry) in entries.enumerated() {
            let name = try string(entry["name"], "cases[\(index)].name", default: "case \(index + 1)")
            let expect = try string(entry["expect"], "\(name): expect")
            guard expect == "allowed" || expect == "denied" else { throw fail("\(name): expect must be allowed or denied") }
            let layer = try string(entry["decided_by"], "\(name): decided_by")
            guard layer == "token" || layer == "relationship" else { throw fail("\(name): decided_by must be token or relationship") }
            var broken: BrokenToken?
            if case .string(let text)? = entry["token"] {
                guard let value = BrokenToken(rawValue: text) else { throw fail("\(name): token must be expired, wrong-audience or tampered") }
                broken = value
            }
            var user: String?
            var client: String?
            if case .string(let text)? = entry["user"] { user = text }
            if case .string(let text)? = entry["client"] { client = text }
            guard (user == nil) != (client == nil) else { throw fail("\(name): give exactly one of user and client") }
            var scopes: String?
            if case .string(let text)? = entry["scopes"] { scopes = text }
            cases.append(
                Case(
                    name: name, user: user, client: client,
                    application: try string(entry["application"], "\(name): application", default: client ?? ""),
                    scopes: scopes, permission: try string(entry["permission"], "\(name): permission"),
                    object: try string(entry["object"], "\(name): object"), context: entry["context"],
                    expectAllowed: expect == "allowed", expectedLayer: layer, brokenToken: broken))
        }
        return ScenarioFile(
            folder: folder, tenant: try string(document["tenant"], "tenant", default: "tenant.yaml"),
            model: try string(document["model"], "model", default: "model.fga"),
            bindings: try string(document["bindings"], "bindings", default: "bindings.yaml"), tuples: tuples, cases: cases)
    }
}

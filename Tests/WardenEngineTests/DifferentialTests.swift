import Foundation
import Testing
import Warden
import WardenTestSupport

/// Random models, tuples and queries labelled by the real OpenFGA engine (Tests/Differential/generate.py, run with
/// the public fga CLI): Warden must give OpenFGA's answer on every request, except the known divergences below.
@Suite("Differential sample (labelled by OpenFGA)")
struct DifferentialTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fixtures/differential")

    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".fga.yaml") }.sorted()
    }

    /// Where OpenFGA's answer is not the semantics: each entry names the case, the request and why.
    static let knownDivergences: [String: String] = [
        "case-037 ListUsers(object=doc:d1,relation=r1,user_filter=user)":
            "r1 is `viewer from parent and owner from parent` where folder:f0 is its own parent. OpenFGA's ListUsers "
            + "leaves out user:u2 although its own Check grants u2 (the branch that grants meets no cycle). Warden's "
            + "ListUsers confirms each candidate by check, so it agrees with Check.",
        "case-022 ListUsers(object=doc:d1,relation=r1,user_filter=group#member)":
            "r1 is `a1 but not viewer from parent` and the folders' parents form a cycle. OpenFGA's Check of "
            + "group:g2#member answers false (the subtrahend reports a cycle, so the exclusion fails closed), yet its "
            + "ListUsers, which subtracts expanded sets, lists group:g2#member. Warden's ListUsers confirms each "
            + "candidate by check, so it agrees with Check (both OpenFGA's and its own) and lists nobody.",
    ]

    @Test("the sample is there")
    func sampleSize() {
        #expect(Self.files.count == 40)
    }

    @Test("Warden agrees with OpenFGA on every labelled request", arguments: files)
    func agrees(_ name: String) throws {
        let report = ModelTestRunner(engine: WardenDefaults.engine()).run(paths: [Self.folder.appendingPathComponent(name).path])
        #expect(report.fileErrors.isEmpty)
        let caseName = String(name.dropLast(".fga.yaml".count))
        // A failure reads `Request(…): expected=…, got=…`; keep the request.
        let failures = report.tests.flatMap(\.failures).map { failure in
            "\(caseName) " + (failure.range(of: "): expected=").map { String(failure[..<$0.lowerBound]) + ")" } ?? failure)
        }
        let expected = Self.knownDivergences.keys.filter { $0.hasPrefix(caseName + " ") }
        #expect(Set(failures) == Set(expected), "\(report.tests.flatMap(\.failures))")
        #expect(report.checks.total > 0)
    }
}

import WardenEngine
import WardenModel
import WardenStore

/// Runs `.fga.yaml` store files: each test in a fresh store holding the file's tuples plus the test's own, every
/// assertion answered by the backend (the embedded engine by default, or an OpenFGA-compatible API). The CLI's
/// `warden model test` and the test suite share it.
public struct ModelTestRunner {
    public let backend: any ModelTestBackend
    /// Also run every check with the test's tuples sent as contextual tuples instead of stored (as OpenFGA's own
    /// harness does); both runs must agree with the expectation.
    public var alsoAsContextualTuples = false

    public init(engine: CheckEngine = CheckEngine()) {
        self.backend = EngineTestBackend(engine: engine)
    }

    public init(backend: any ModelTestBackend) {
        self.backend = backend
    }

    /// Runs the files at `paths`; unreadable or invalid files become ``ModelTestReport/fileErrors``.
    public func run(paths: [String]) -> ModelTestReport {
        var report = ModelTestReport()
        for path in paths {
            do {
                let file = try StoreFile.load(path: path)
                report.tests += try run(file)
                releaseInBackground(file)
            } catch let failure as StoreFile.Failure {
                report.fileErrors.append(failure.description)
            } catch {
                report.fileErrors.append("\(path): error: \(error)")
            }
        }
        return report
    }

    /// Runs one parsed file.
    public func run(_ file: StoreFile) throws -> [ModelTestReport.TestResult] {
        let model = CompiledModel(file.model)
        var results: [ModelTestReport.TestResult] = []
        for test in file.tests {
            var result = ModelTestReport.TestResult(file: file.path, name: test.name)
            let tuples = file.tuples + test.tuples
            if let invalid = invalidTuple(in: tuples, model: model) {
                result.failures.append("cannot write tuples: \(invalid)")
                results.append(result)
                continue
            }
            let session = try backend.session(model: model, tuples: tuples)
            runChecks(test, session, &result)
            if alsoAsContextualTuples {
                runChecks(test, try backend.session(model: model, tuples: []), &result, contextual: tuples)
            }
            runListObjects(test, session, &result)
            runListUsers(test, session, &result)
            results.append(result)
            // The test's store (its tables, the nested-group closure) is freed while the next test or the report
            // runs; nothing uses the session after this.
            releaseInBackground(Finished(session: session, tuples: tuples))
        }
        return results
    }

    /// A test's session and tuples, handed to another thread only to be freed.
    private struct Finished: @unchecked Sendable {
        let session: any ModelTestSession
        let tuples: [RelationshipTuple]
    }

    /// The first tuple the model refuses, in the file's order, as the error's words.
    private func invalidTuple(in tuples: [RelationshipTuple], model: CompiledModel) -> String? {
        let validator = model.validator
        return tuples.mapOnCores { tuple -> String? in
            do throws(InvalidTupleError) {
                try validator.validate(tuple)
                return nil
            } catch {
                return error.description
            }
        }.lazy.compactMap { $0 }.first
    }

    /// Answers `test`'s check assertions; a session that answers concurrently gets them shared between the cores
    /// (``Swift/Array/mapOnCores(minimumShare:_:)``, when there are enough to be worth a thread), and the failures
    /// are listed in the file's order, so the report is the same as one thread's.
    private func runChecks(
        _ test: StoreFile.Test, _ session: any ModelTestSession, _ result: inout ModelTestReport.TestResult,
        contextual: [RelationshipTuple] = []
    ) {
        // Shared between threads only when the session says it answers concurrently.
        nonisolated(unsafe) let session = session
        let outcomes = test.checks.mapOnCores(minimumShare: session.answersConcurrently ? 256 : .max) { check in
            Self.answer(check, session, contextual: contextual)
        }
        for assertions in outcomes {
            for (passed, failure) in assertions {
                result.checks.add(passed)
                if let failure { result.failures.append(failure) }
            }
        }
    }

    /// Whether each of a check's assertions passed, with `fga`'s line for one that failed.
    private static func answer(
        _ check: StoreFile.CheckCase, _ session: any ModelTestSession, contextual: [RelationshipTuple]
    ) -> [(passed: Bool, failure: String?)] {
        check.assertions.map { relation, expected in
            // Named only when it fails: thousands of passing checks build no label.
            func label() -> String {
                var label = "Check(user=\(check.user),relation=\(relation),object=\(check.object)"
                if let context = check.context { label += ", context=\(context.compact)" }
                if !contextual.isEmpty { label += ", as contextual tuples" }
                return label + ")"
            }
            let got: String
            do {
                let request = CheckRequest(
                    user: try UserRef(parsing: check.user), relation: relation,
                    object: try ObjectRef(parsing: check.object), context: check.context,
                    contextualTuples: contextual)
                got = String(try session.check(request))
            } catch {
                got = "error: \(error)"
            }
            let passed = got == String(expected)
            return (passed, passed ? nil : "\(label()): expected=\(expected), got=\(got)")
        }
    }

    private func runListObjects(
        _ test: StoreFile.Test, _ session: any ModelTestSession, _ result: inout ModelTestReport.TestResult
    ) {
        for list in test.listObjects {
            for (relation, expected) in list.assertions {
                let label = "ListObjects(user=\(list.user),relation=\(relation),type=\(list.type))"
                let got: [String]?
                var failure = ""
                do {
                    let request = ListObjectsRequest(
                        user: try UserRef(parsing: list.user), relation: relation, objectType: list.type,
                        context: list.context, maximumResults: Int.max)
                    got = try session.listObjects(request)
                } catch {
                    got = nil
                    failure = "error: \(error)"
                }
                let passed = got.map { Set($0.map(ByteString.init)) == Set(expected.map(ByteString.init)) } ?? false
                result.listObjects.add(passed)
                if !passed {
                    let shown = got.map { "[\($0.sorted().joined(separator: " "))]" } ?? failure
                    result.failures.append("\(label): expected=[\(expected.sorted().joined(separator: " "))], got=\(shown)")
                }
            }
        }
    }

    private func runListUsers(
        _ test: StoreFile.Test, _ session: any ModelTestSession, _ result: inout ModelTestReport.TestResult
    ) {
        for list in test.listUsers {
            let filterText = list.filters.map { filter in filter.relation.map { "\(filter.type)#\($0)" } ?? filter.type }.joined(separator: ",")
            for (relation, expected) in list.assertions {
                let label = "ListUsers(object=\(list.object),relation=\(relation),user_filter=\(filterText))"
                let got: [String]?
                var failure = ""
                do {
                    let request = ListUsersRequest(
                        object: try ObjectRef(parsing: list.object), relation: relation,
                        filters: list.filters.map { ListUsersRequest.Filter(type: $0.type, relation: $0.relation) },
                        context: list.context)
                    got = try session.listUsers(request)
                } catch {
                    got = nil
                    failure = "error: \(error)"
                }
                let passed = got.map { Set($0.map(ByteString.init)) == Set(expected.map(ByteString.init)) } ?? false
                result.listUsers.add(passed)
                if !passed {
                    let shown = got.map { "[\($0.sorted().joined(separator: " "))]" } ?? failure
                    result.failures.append("\(label): expected=[\(expected.sorted().joined(separator: " "))], got=\(shown)")
                }
            }
        }
    }
}

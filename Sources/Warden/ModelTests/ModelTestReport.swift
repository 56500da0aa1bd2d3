/// The outcome of running store files: per-test failures and passing/total counts, printed as `fga model test`
/// prints them.
public struct ModelTestReport: Sendable {
    /// Passing and total assertions of one kind.
    public struct Tally: Hashable, Sendable {
        public var passing = 0
        public var total = 0

        public init(passing: Int = 0, total: Int = 0) {
            self.passing = passing
            self.total = total
        }

        mutating func add(_ passed: Bool) {
            total += 1
            if passed { passing += 1 }
        }

        mutating func add(_ other: Tally) {
            passing += other.passing
            total += other.total
        }

        var text: String { "\(passing)/\(total) passing" }
    }

    /// One test of one file.
    public struct TestResult: Sendable {
        public var file: String
        public var name: String
        public var checks = Tally()
        public var listObjects = Tally()
        public var listUsers = Tally()
        /// One line per failed assertion, in `fga`'s words.
        public var failures: [String] = []

        public var passed: Bool { failures.isEmpty }
    }

    public var tests: [TestResult] = []
    /// Files that could not be run at all (bad YAML, invalid model), with the reason.
    public var fileErrors: [String] = []

    public init() {}

    public var checks: Tally { tests.reduce(into: Tally()) { $0.add($1.checks) } }
    public var listObjects: Tally { tests.reduce(into: Tally()) { $0.add($1.listObjects) } }
    public var listUsers: Tally { tests.reduce(into: Tally()) { $0.add($1.listUsers) } }
    public var testTally: Tally { tests.reduce(into: Tally()) { $0.add($1.passed) } }

    /// Whether every test in every file passed and every file ran.
    public var passed: Bool { fileErrors.isEmpty && tests.allSatisfy(\.passed) }

    /// The failing tests with their failures, then the summary.
    public var text: String {
        var lines: [String] = []
        for error in fileErrors { lines.append(error) }
        for test in tests where !test.passed {
            lines.append(
                "(FAILING) \(test.name): Checks (\(test.checks.text)) | ListObjects (\(test.listObjects.text)) | "
                    + "ListUsers (\(test.listUsers.text))")
            lines += test.failures.map { "ⅹ \($0)" }
            lines.append("---")
        }
        lines.append("# Test Summary #")
        lines.append("Tests \(testTally.text)")
        lines.append("Checks \(checks.text)")
        lines.append("ListObjects \(listObjects.text)")
        lines.append("ListUsers \(listUsers.text)")
        if !fileErrors.isEmpty { lines.append("Files that could not run: \(fileErrors.count)") }
        return lines.joined(separator: "\n")
    }
}

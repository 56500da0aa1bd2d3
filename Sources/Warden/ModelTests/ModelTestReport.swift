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

    /// The failing tests with their failures, then the summary; as `fga model test`, a kind of assertion a file
    /// does not hold is left out of both.
    public var text: String {
        var lines: [String] = []
        for error in fileErrors { lines.append(error) }
        for test in tests where !test.passed {
            let kinds = [("Checks", test.checks), ("ListObjects", test.listObjects), ("ListUsers", test.listUsers)]
                .filter { $0.1.total > 0 }.map { "\($0.0) (\($0.1.text))" }
            lines.append("(FAILING) \(test.name): " + kinds.joined(separator: " | "))
            lines += test.failures.map { "ⅹ \($0)" }
            lines.append("---")
        }
        lines.append("# Test Summary #")
        lines.append("Tests \(testTally.text)")
        for (name, tally) in [("Checks", checks), ("ListObjects", listObjects), ("ListUsers", listUsers)] where tally.total > 0 {
            lines.append("\(name) \(tally.text)")
        }
        if !fileErrors.isEmpty { lines.append("Files that could not run: \(fileErrors.count)") }
        return lines.joined(separator: "\n")
    }
}

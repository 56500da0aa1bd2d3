import Testing
@testable import WardenEngine

/// OpenFGA's reducers as truth tables over {yes, no, cycle, error, depth exceeded}, written out in full.
@Suite("Set operations")
struct SetOperationsTests {
    enum Input: String, CaseIterable, CustomStringConvertible, Sendable {
        case yes, no, cycle, error, depth
        var description: String { rawValue }

        func resolve() throws(CheckError) -> Outcome {
            switch self {
            case .yes: return .yes
            case .no: return .no
            case .cycle: return .cycle
            case .error: throw CheckError(.validation, "missing parameters")
            case .depth: throw CheckError.resolutionTooComplex()
            }
        }
    }

    /// What a reducer gives: an outcome, or an error with its code.
    enum Expected: Equatable, CustomStringConvertible {
        case yes, no, cycle, error(CheckError.Code)
        var description: String {
            switch self {
            case .yes: "yes"
            case .no: "no"
            case .cycle: "cycle"
            case .error(let code): "error(\(code))"
            }
        }
    }

    static func run(_ body: () throws(CheckError) -> Outcome) -> Expected {
        do throws(CheckError) {
            let outcome = try body()
            if outcome.allowed { return .yes }
            return outcome.cycle ? .cycle : .no
        } catch {
            return .error(error.code)
        }
    }

    static let union: [Input: [Input: Expected]] = [
        .yes: [.yes: .yes, .no: .yes, .cycle: .yes, .error: .yes, .depth: .yes],
        .no: [.yes: .yes, .no: .no, .cycle: .cycle, .error: .error(.validation), .depth: .error(.resolutionTooComplex)],
        .cycle: [.yes: .yes, .no: .cycle, .cycle: .cycle, .error: .error(.validation), .depth: .error(.resolutionTooComplex)],
        .error: [.yes: .yes, .no: .error(.validation), .cycle: .error(.validation), .error: .error(.validation), .depth: .error(.validation)],
        .depth: [.yes: .yes, .no: .error(.resolutionTooComplex), .cycle: .error(.resolutionTooComplex), .error: .error(.resolutionTooComplex), .depth: .error(.resolutionTooComplex)],
    ]

    static let intersection: [Input: [Input: Expected]] = [
        .yes: [.yes: .yes, .no: .no, .cycle: .cycle, .error: .error(.validation), .depth: .error(.resolutionTooComplex)],
        .no: [.yes: .no, .no: .no, .cycle: .no, .error: .no, .depth: .no],
        .cycle: [.yes: .cycle, .no: .cycle, .cycle: .cycle, .error: .cycle, .depth: .cycle],
        .error: [.yes: .error(.validation), .no: .no, .cycle: .cycle, .error: .error(.validation), .depth: .error(.validation)],
        .depth: [.yes: .error(.resolutionTooComplex), .no: .no, .cycle: .cycle, .error: .error(.resolutionTooComplex), .depth: .error(.resolutionTooComplex)],
    ]

    /// Rows are the base, columns the subtrahend.
    static let exclusion: [Input: [Input: Expected]] = [
        .yes: [.yes: .no, .no: .yes, .cycle: .cycle, .error: .error(.validation), .depth: .error(.resolutionTooComplex)],
        .no: [.yes: .no, .no: .no, .cycle: .no, .error: .no, .depth: .no],
        .cycle: [.yes: .cycle, .no: .cycle, .cycle: .cycle, .error: .cycle, .depth: .cycle],
        .error: [.yes: .no, .no: .error(.validation), .cycle: .cycle, .error: .error(.validation), .depth: .error(.validation)],
        .depth: [.yes: .no, .no: .error(.resolutionTooComplex), .cycle: .cycle, .error: .error(.resolutionTooComplex), .depth: .error(.resolutionTooComplex)],
    ]

    static let pairs: [(Input, Input)] = Input.allCases.flatMap { left in Input.allCases.map { (left, $0) } }

    @Test("union", arguments: pairs)
    func unionTable(_ left: Input, _ right: Input) {
        let inputs = [left, right]
        let got = Self.run { () throws(CheckError) in
            try SetOperations.union(count: 2) { index throws(CheckError) in try inputs[index].resolve() }
        }
        #expect(got == Self.union[left]![right]!)
    }

    @Test("intersection", arguments: pairs)
    func intersectionTable(_ left: Input, _ right: Input) {
        let inputs = [left, right]
        let got = Self.run { () throws(CheckError) in
            try SetOperations.intersection(count: 2) { index throws(CheckError) in try inputs[index].resolve() }
        }
        #expect(got == Self.intersection[left]![right]!)
    }

    @Test("exclusion", arguments: pairs)
    func exclusionTable(_ base: Input, _ subtract: Input) {
        let got = Self.run { () throws(CheckError) in
            try SetOperations.exclusion(
                base: { () throws(CheckError) in try base.resolve() },
                subtract: { () throws(CheckError) in try subtract.resolve() })
        }
        #expect(got == Self.exclusion[base]![subtract]!)
    }

    @Test("exclusion skips the subtrahend when the base is no")
    func exclusionShortCircuit() throws {
        var evaluated = false
        let outcome = try SetOperations.exclusion(
            base: { () throws(CheckError) in .no },
            subtract: { () throws(CheckError) in
                evaluated = true
                return .yes
            })
        #expect(outcome == .no)
        #expect(!evaluated)
    }

    @Test("union stops at the first yes; intersection at the first no")
    func shortCircuits() throws {
        var unionCalls = 0
        _ = try SetOperations.union(count: 3) { index throws(CheckError) in
            unionCalls += 1
            return index == 0 ? .yes : .no
        }
        #expect(unionCalls == 1)
        var intersectionCalls = 0
        _ = try SetOperations.intersection(count: 3) { index throws(CheckError) in
            intersectionCalls += 1
            return index == 0 ? .no : .yes
        }
        #expect(intersectionCalls == 1)
    }
}

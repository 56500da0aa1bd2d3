/// OpenFGA's three reducers over lazily evaluated children, with its short-circuit, error-absorption and cycle
/// rules (`internal/graph/check.go`):
/// - union: the first "yes" wins (a cycle flag elsewhere is ignored); an error counts only if no child says yes;
///   otherwise "no", flagged when any child was;
/// - intersection: the first "no" (or cycle) wins, with its flag, and hides errors; otherwise any error; otherwise yes;
/// - exclusion: a "no" or cyclic base, or a "yes" or cyclic subtrahend, gives "no" whatever the other side does (a
///   cycle on either side fails closed); the subtrahend is not evaluated when the base is "no".
enum SetOperations {
    static func union(
        count: Int, _ child: (Int) throws(CheckError) -> Outcome
    ) throws(CheckError) -> Outcome {
        var firstError: CheckError?
        var denial = Outcome.no
        for index in 0..<count {
            do throws(CheckError) {
                let outcome = try child(index)
                if outcome.allowed { return outcome }
                denial.cycle = denial.cycle || outcome.cycle
                denial.cycleBound = min(denial.cycleBound, outcome.cycleBound)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return denial
    }

    static func intersection(
        count: Int, _ child: (Int) throws(CheckError) -> Outcome
    ) throws(CheckError) -> Outcome {
        var firstError: CheckError?
        for index in 0..<count {
            do throws(CheckError) {
                let outcome = try child(index)
                if !outcome.allowed || outcome.cycle { return outcome.denial }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return .yes
    }

    static func exclusion(
        base: () throws(CheckError) -> Outcome, subtract: () throws(CheckError) -> Outcome
    ) throws(CheckError) -> Outcome {
        var baseError: CheckError?
        do throws(CheckError) {
            let outcome = try base()
            if !outcome.allowed || outcome.cycle { return outcome.denial }
        } catch {
            baseError = error
        }
        let subtracted: Outcome
        do throws(CheckError) {
            subtracted = try subtract()
        } catch {
            throw baseError ?? error
        }
        if subtracted.allowed || subtracted.cycle { return subtracted.denial }
        if let baseError { throw baseError }
        return .yes
    }
}

/// OpenFGA's three reducers over lazily evaluated children, with its short-circuit and error-absorption rules:
/// - union: the first "yes" wins; an error counts only if no child says yes;
/// - intersection: the first "no" (or cycle) wins and hides errors; otherwise any error; otherwise yes;
/// - exclusion: a "no" (or cyclic) base, or a "yes" (or cyclic) subtrahend, gives "no" whatever the other side
///   does; the subtrahend is not evaluated when the base is "no".
enum SetOperations {
    static func union(
        count: Int, _ child: (Int) throws(CheckError) -> Outcome
    ) throws(CheckError) -> Outcome {
        var firstError: CheckError?
        var cycleBound = Int.max
        for index in 0..<count {
            do throws(CheckError) {
                let outcome = try child(index)
                if outcome.allowed { return outcome }
                cycleBound = min(cycleBound, outcome.cycleBound)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return Outcome(allowed: false, cycleBound: cycleBound)
    }

    static func intersection(
        count: Int, _ child: (Int) throws(CheckError) -> Outcome
    ) throws(CheckError) -> Outcome {
        var firstError: CheckError?
        for index in 0..<count {
            do throws(CheckError) {
                let outcome = try child(index)
                if !outcome.allowed || outcome.cycleDetected {
                    return Outcome(allowed: false, cycleBound: outcome.cycleBound)
                }
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
            if !outcome.allowed || outcome.cycleDetected {
                return Outcome(allowed: false, cycleBound: outcome.cycleBound)
            }
        } catch {
            baseError = error
        }
        let subtracted: Outcome
        do throws(CheckError) {
            subtracted = try subtract()
        } catch {
            throw baseError ?? error
        }
        if subtracted.allowed || subtracted.cycleDetected {
            return Outcome(allowed: false, cycleBound: subtracted.cycleBound)
        }
        if let baseError { throw baseError }
        return .yes
    }
}

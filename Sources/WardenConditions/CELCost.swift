/// What evaluating a CEL node costs, in cel-go's runtime units, so a condition stops at OpenFGA's limit (100)
/// where OpenFGA's does: work grows with the sizes of the strings and lists an operation traverses, not with the
/// number of nodes.
///
/// The rules are cel-go's `CostTracker`, checked against what `fga model test` (0.8.2) answers at the limit
/// (`Tests/Fixtures/conditions/cost.json`): an identifier, a select, a constant index and a call cost 1; literals,
/// `&&`, `||` and `?:` cost nothing; comparisons cost a tenth of the shorter operand's size; `+` on strings a tenth
/// of both; `in` a list's size (1 for a constant list); `matches` and `contains` the product of their operands'
/// scaled sizes; a list literal 10 and a map literal 30. `startsWith` and `endsWith` cost 1 whatever the length,
/// as OpenFGA answers.
enum CELCost {
    /// OpenFGA's `DefaultMaxConditionEvaluationCost`.
    static let openFGALimit = 100

    static let listCreation = 10
    static let mapCreation = 30
    static let functionCall = 1

    /// cel-go's size: a string's scalars, a list's or map's entries, 1 for anything else.
    static func size(_ value: CELValue) -> Int {
        switch value {
        case .string(let text): text.unicodeScalars.count
        case .list(let values): values.count
        case .map(let map): map.count
        default: 1
        }
    }

    /// `ceil(size × 0.1)`, cel-go's string traversal factor.
    static func traversal(_ size: Int) -> Int { (size + 9) / 10 }

    /// `ceil(size × 0.25)`, cel-go's guess at a pattern's states.
    static func regexStates(_ size: Int) -> Int { (size + 3) / 4 }

    static func binary(_ operation: CELOperator, _ left: CELValue, _ right: CELValue, constantList: Bool) -> Int {
        switch operation {
        case .and, .or: 0
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            traversal(min(size(left), size(right)))
        case .add:
            if case .string = left, case .string = right { traversal(size(left) + size(right)) } else { 1 }
        case .in:
            if case .list = right, !constantList { size(right) } else { 1 }
        case .subtract, .multiply, .divide, .remainder: 1
        }
    }

    /// A function's cost given its operands (`first` is the target of a method call).
    static func call(_ name: String, _ first: CELValue?, _ second: CELValue?) -> Int {
        switch (name, first, second) {
        case ("matches", let text?, let pattern?):
            return traversal(size(text) + 1) * regexStates(size(pattern))
        case ("contains", let text?, let part?):
            return traversal(size(text)) * traversal(size(part))
        default:
            return functionCall
        }
    }

    /// Whether every element of a list literal is a literal (cel-go folds such a list into a constant set).
    static func isConstant(_ elements: [CELExpression]) -> Bool {
        elements.allSatisfy { if case .literal = $0 { true } else { false } }
    }
}

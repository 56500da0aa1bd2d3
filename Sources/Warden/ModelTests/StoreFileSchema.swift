import WardenModel

/// The keys `fga model test` accepts in a store file, level by level (its Go structs: `StoreData`, `ModelTest`,
/// `ModelTestCheck`, `ModelTestListObjects`, `ModelTestListUsers`, `TupleKey`, `UserTypeFilter`). An unknown key is
/// an error at its line and column, as OpenFGA's CLI refuses it ("field contextual_tuples not found in type
/// storetest.ModelTestCheck").
enum StoreFileSchema {
    static let tuple = YAMLShape.mapping(
        "a tuple",
        ["user": .free, "relation": .free, "object": .free, "condition": .mapping("a condition", ["name": .free, "context": .free])])

    static let test = YAMLShape.mapping(
        "a test",
        [
            "name": .free, "description": .free, "tuple_file": .free, "tuples": .sequence(tuple),
            "check": .sequence(.mapping("a check", ["user": .free, "object": .free, "context": .free, "assertions": .free])),
            "list_objects": .sequence(
                .mapping("a list_objects entry", ["user": .free, "type": .free, "context": .free, "assertions": .free])),
            "list_users": .sequence(
                .mapping(
                    "a list_users entry",
                    [
                        "object": .free, "context": .free,
                        "user_filter": .sequence(.mapping("a user_filter", ["type": .free, "relation": .free])),
                        "assertions": .mappingOfAny(.mapping("a list_users assertion", ["users": .free])),
                    ])),
        ])

    static let store = YAMLShape.mapping(
        "the store file",
        [
            "name": .free, "model": .free, "model_file": .free, "tuple_file": .free, "tuple_files": .free,
            "tuples": .sequence(tuple), "tests": .sequence(test),
        ])
}

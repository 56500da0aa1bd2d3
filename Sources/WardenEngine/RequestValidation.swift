import WardenModel

/// Checks a request's names against the model before any walk, with OpenFGA's error codes and wording: Check
/// reports every naming problem as a validation error (`invalid relation: …`); ListObjects and ListUsers report
/// an unknown type or relation with their own codes.
enum RequestValidation {
    /// Check: the user (type, userset relation), then the object's type, then the relation.
    static func validateCheck(user: UserRef, relation: String, object: ObjectRef, in model: CompiledModel) throws(CheckError) {
        if let reason = wildcardProblem(object) ?? userProblem(user, in: model) ?? typeProblem(object.type, in: model)
            ?? relationProblem(object.type, relation, in: model)
        {
            throw CheckError(.validation, "invalid relation: \(reason)")
        }
    }

    /// ListObjects: the type, the relation, then the user.
    static func validateListObjects(user: UserRef, relation: String, objectType: String, in model: CompiledModel) throws(CheckError) {
        if let reason = typeProblem(objectType, in: model) { throw CheckError(.typeNotFound, reason) }
        if let reason = relationProblem(objectType, relation, in: model) { throw CheckError(.relationNotFound, reason) }
        if let reason = userProblem(user, in: model) { throw CheckError(.validation, "invalid 'user' value: \(reason)") }
    }

    /// ListUsers: the object's type, the relation, then each user filter.
    static func validateListUsers(_ request: ListUsersRequest, in model: CompiledModel) throws(CheckError) {
        if let reason = wildcardProblem(request.object) { throw CheckError(.validation, "invalid 'object' value: \(reason)") }
        if let reason = typeProblem(request.object.type, in: model) { throw CheckError(.typeNotFound, reason) }
        if let reason = relationProblem(request.object.type, request.relation, in: model) {
            throw CheckError(.relationNotFound, reason)
        }
        for filter in request.filters {
            if let reason = typeProblem(filter.type, in: model) { throw CheckError(.typeNotFound, reason) }
            if let relation = filter.relation, let reason = relationProblem(filter.type, relation, in: model) {
                throw CheckError(.relationNotFound, reason)
            }
        }
    }

    /// A typed wildcard (`doc:*`) stands for every object of a type: it is never the object asked about.
    private static func wildcardProblem(_ object: ObjectRef) -> String? {
        object.id == "*" ? "the 'object' field cannot reference a typed wildcard" : nil
    }

    private static func typeProblem(_ type: String, in model: CompiledModel) -> String? {
        model.hasType(type) ? nil : "type '\(type)' not found"
    }

    private static func relationProblem(_ type: String, _ relation: String, in model: CompiledModel) -> String? {
        model.relation(type, relation) == nil ? "relation '\(type)#\(relation)' not found" : nil
    }

    private static func userProblem(_ user: UserRef, in model: CompiledModel) -> String? {
        if case .userset(let object, _) = user, object.id.utf8.contains(UInt8(ascii: "*")) {
            return "the 'user' field is malformed"
        }
        if let problem = typeProblem(user.type, in: model) { return problem }
        if case .userset(let object, let relation) = user { return relationProblem(object.type, relation, in: model) }
        return nil
    }

    /// Contextual tuples: each valid under the model. Check refuses one given twice, as OpenFGA's Check does
    /// ("Duplicate contextual tuple in request"); ListObjects and ListUsers ignore the repeat, as OpenFGA's do.
    static func validate(
        contextual tuples: [RelationshipTuple], in model: CompiledModel, refusingDuplicates: Bool = false
    ) throws(CheckError) {
        var seen = Set<TupleKey>()
        for tuple in tuples {
            if refusingDuplicates, !seen.insert(tuple.key).inserted {
                throw CheckError(.validation, "Duplicate contextual tuple in request: \(tuple.key).")
            }
            do {
                try model.validator.validate(tuple)
            } catch {
                throw CheckError(.invalidTuple, error.description)
            }
        }
    }
}

import WardenModel

/// Checks a request's names against the model before any walk, with OpenFGA's error codes and wording.
enum RequestValidation {
    static func validate(user: UserRef, relation: String, objectType: String, in model: CompiledModel) throws(CheckError) {
        guard model.hasType(objectType) else { throw CheckError(.typeNotFound, "type '\(objectType)' not found") }
        guard model.relation(objectType, relation) != nil else {
            throw CheckError(.relationNotFound, "relation '\(objectType)#\(relation)' not found")
        }
        try validate(user: user, in: model)
    }

    static func validate(user: UserRef, in model: CompiledModel) throws(CheckError) {
        guard model.hasType(user.type) else {
            throw CheckError(.validation, "invalid 'user' value: type '\(user.type)' not found")
        }
        if case .userset(let object, let userRelation) = user, model.relation(object.type, userRelation) == nil {
            throw CheckError(.validation, "invalid 'user' value: relation '\(object.type)#\(userRelation)' not found")
        }
    }

    static func validate(contextual tuples: [RelationshipTuple], in model: CompiledModel) throws(CheckError) {
        for tuple in tuples {
            do {
                try model.validator.validate(tuple)
            } catch {
                throw CheckError(.invalidTuple, error.description)
            }
        }
    }
}

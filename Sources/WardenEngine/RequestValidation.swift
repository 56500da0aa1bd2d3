import WardenModel

/// Checks a request's names against the model before any walk, with OpenFGA's error codes and wording: Check
/// reports every naming problem as a validation error (`invalid relation: …`); ListObjects and ListUsers report
/// an unknown type or relation with their own codes.
enum RequestValidation {
    /// Check: the user (type, userset relation), then the object's type, then the relation.
    /// - Returns: the relation asked about.
    @discardableResult
    static func validateCheck(
        user: UserRef, relation: String, object: ObjectRef, in model: CompiledModel
    ) throws(CheckError) -> CompiledRelation {
        if let reason = wildcardProblem(object) ?? userProblem(user, in: model) {
            throw CheckError(.validation, "invalid relation: \(reason)")
        }
        // A relation found means its type exists: the type is looked at on its own only to say which is missing.
        guard let compiled = model.relation(object.type, relation) else {
            let reason = typeProblem(object.type, in: model) ?? "relation '\(object.type)#\(relation)' not found"
            throw CheckError(.validation, "invalid relation: \(reason)")
        }
        return compiled
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

    /// A request context: OpenFGA refuses a key or string value holding an ASCII control character (U+0000 to
    /// U+001F), at any depth: "invalid context: context value "a\tb" contains forbidden characters".
    static func validate(context: JSONValue?) throws(CheckError) {
        guard let context else { return }
        if let (kind, text) = forbidden(in: context) {
            throw CheckError(.validation, "invalid context: context \(kind) \(goQuoted(text)) contains forbidden characters")
        }
    }

    private static func forbidden(in value: JSONValue) -> (String, String)? {
        switch value {
        case .string(let text): return hasControl(text) ? ("value", text) : nil
        case .array(let values):
            for element in values { if let found = forbidden(in: element) { return found } }
            return nil
        case .object(let members):
            for (key, member) in members {
                if hasControl(key) { return ("key", key) }
                if let found = forbidden(in: member) { return found }
            }
            return nil
        default: return nil
        }
    }

    private static func hasControl(_ text: String) -> Bool { text.utf8.contains { $0 < 0x20 } }

    /// Go's `%q` for the characters this rule is about: control characters as `\t`, `\n`, `\r` or `\xNN`.
    private static func goQuoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t": quoted += "\\t"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    quoted += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }
}

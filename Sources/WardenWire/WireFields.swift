import WardenModel

/// Reads the fields of a request body (a JSON object), refusing wrong types as OpenFGA's validation does.
struct WireFields {
    let members: [String: JSONValue]

    init(_ body: JSONValue?) throws(WireError) {
        switch body {
        case nil, .null?: members = [:]
        case .object(let pairs)?: members = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        default: throw WireError.validation("the request body must be a JSON object")
        }
    }

    func string(_ name: String) throws(WireError) -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw WireError.validation("'\(name)' must be a string")
        }
    }

    func required(_ name: String) throws(WireError) -> String {
        guard let text = try string(name), !text.isEmpty else { throw WireError.validation("'\(name)' is required") }
        return text
    }

    func object(_ name: String) throws(WireError) -> WireFields? {
        switch members[name] {
        case nil, .null?: return nil
        case .object?: return try WireFields(members[name])
        default: throw WireError.validation("'\(name)' must be an object")
        }
    }

    func array(_ name: String) throws(WireError) -> [JSONValue] {
        switch members[name] {
        case nil, .null?: return []
        case .array(let values)?: return values
        default: throw WireError.validation("'\(name)' must be an array")
        }
    }

    func integer(_ name: String) throws(WireError) -> Int? {
        switch members[name] {
        case nil, .null?: return nil
        case .number(let text)?:
            guard let value = Int(text) else { throw WireError.validation("'\(name)' must be an integer") }
            return value
        default: throw WireError.validation("'\(name)' must be an integer")
        }
    }

    /// A request context: a JSON object or absent.
    func context(_ name: String = "context") throws(WireError) -> JSONValue? {
        switch members[name] {
        case nil, .null?: return nil
        case .object(let pairs)? where pairs.isEmpty: return nil
        case .object?: return members[name]
        default: throw WireError.validation("'\(name)' must be an object")
        }
    }

    func boolean(_ name: String) throws(WireError) -> Bool? {
        switch members[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw WireError.validation("'\(name)' must be true or false")
        }
    }

    /// OpenFGA's `consistency` preference: whether it is `HIGHER_CONSISTENCY`. On one data directory every answer is
    /// at the store's latest revision (the cache is keyed by revision); on a shared PostgreSQL datastore a check may
    /// answer from the cache up to the invalidation interval late unless it asks for `HIGHER_CONSISTENCY`. An
    /// unknown value is refused as OpenFGA refuses it.
    @discardableResult
    func consistency() throws(WireError) -> Bool {
        guard let value = try string("consistency") else { return false }
        guard ["UNSPECIFIED", "MINIMIZE_LATENCY", "HIGHER_CONSISTENCY"].contains(value) else {
            throw WireError.validation("invalid consistency '\(value)': UNSPECIFIED, MINIMIZE_LATENCY or HIGHER_CONSISTENCY")
        }
        return value == "HIGHER_CONSISTENCY"
    }
}

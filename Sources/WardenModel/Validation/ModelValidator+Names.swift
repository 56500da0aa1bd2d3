/// Rule family 1: reserved words (errors) and OpenFGA's naming rules for types and relations (warnings: OpenFGA's
/// server checks only that a name is not empty, `self` or `this`).
extension ModelValidator.Collector {
    static let reservedNames: Set<String> = ["self", "this"]

    mutating func checkNames() {
        for type in model.typeDefinitions {
            if Self.reservedNames.contains(type.name) {
                report(
                    .reservedTypeKeywords, "a type cannot be named 'self' or 'this'.", symbol: type.name,
                    at: type.nameRange)
            }
            if !ModelValidator.matchesNamingRule(type.name, maximumLength: 254) {
                report(
                    .invalidName,
                    "type '\(type.name)' does not match naming rule: '\(ModelValidator.typeNameRule)'.",
                    symbol: type.name, at: type.nameRange, severity: type.name.isEmpty ? .error : .warning)
            }
            for relation in type.relations {
                if Self.reservedNames.contains(relation.name) {
                    report(
                        .reservedRelationKeywords, "a relation cannot be named 'self' or 'this'.",
                        symbol: relation.name, at: relation.nameRange)
                } else if !ModelValidator.matchesNamingRule(relation.name, maximumLength: 50) {
                    report(
                        .invalidName,
                        "relation '\(relation.name)' of type '\(type.name)' does not match naming rule: "
                            + "'\(ModelValidator.relationNameRule)'.",
                        symbol: relation.name, at: relation.nameRange,
                        severity: relation.name.isEmpty ? .error : .warning)
                }
            }
        }
    }
}

extension ModelValidator {
    /// `^[^:#@\*\s]{1,max}$`: 1 to `maximumLength` characters, none of `:#@*` or whitespace.
    static func matchesNamingRule(_ name: String, maximumLength: Int) -> Bool {
        // ASCII names (nearly all) are decided on bytes: one byte per scalar, none of `:#@*` or Go's `\s`.
        let ascii = name.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            var clean = true
            for byte in bytes {
                if byte >= 0x80 { return nil }
                let forbidden = byte == UInt8(ascii: ":") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "@")
                    || byte == UInt8(ascii: "*") || byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
                clean = clean && !forbidden
            }
            return clean && !bytes.isEmpty && bytes.count <= maximumLength
        }
        if let ascii, let ascii { return ascii }
        let scalars = name.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= maximumLength else { return false }
        return !scalars.contains { scalar in
            ":#@*".unicodeScalars.contains(scalar) || ObjectRef.isGoSpace(scalar)
        }
    }
}

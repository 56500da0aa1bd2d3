import WardenModel
import Yams

/// What a tenant file may hold (the Deploy CLI's sections and the fields Warden reads), and the entries that must
/// not repeat. An unknown key is an error at its line and column — a typo such as `enforce_polices: true` must not
/// silently turn RBAC off — and so is a role, user, API, application or grant listed twice (otherwise the last
/// would silently win).
enum TenantSchema {
    static let permissionRef = YAMLShape.mapping(
        "a permission", ["permission_name": .free, "resource_server_identifier": .free])

    static let tenant = YAMLShape.mapping(
        "the tenant file",
        [
            "resourceServers": .sequence(
                .mapping(
                    "an API (resourceServers entry)",
                    [
                        "name": .free, "identifier": .free, "enforce_policies": .free, "token_dialect": .free,
                        "token_lifetime": .free, "signing_alg": .free,
                        "scopes": .sequence(.mapping("a scope", ["value": .free, "description": .free])),
                        "subject_type_authorization": .mapping(
                            "subject_type_authorization",
                            [
                                "user": .mapping("a user access policy", ["policy": .free]),
                                "client": .mapping("a client access policy", ["policy": .free]),
                            ]),
                    ])),
            "roles": .sequence(
                .mapping("a role", ["name": .free, "description": .free, "permissions": .sequence(permissionRef)])),
            "clients": .sequence(
                .mapping("an application (clients entry)", ["name": .free, "client_id": .free, "app_type": .free, "client_secret_hash": .free])),
            "clientGrants": .sequence(.mapping("a client grant", ["client_id": .free, "audience": .free, "scope": .free])),
            "users": .sequence(.mapping("a user", ["user_id": .free, "roles": .free, "permissions": .sequence(permissionRef)])),
        ])

    /// Sections whose entries are identified by a field (or two), which must not repeat.
    static let identities: [(section: String, what: String, fields: [String])] = [
        ("resourceServers", "API", ["identifier"]),
        ("roles", "role", ["name"]),
        ("clients", "application", ["client_id", "name"]),
        ("clientGrants", "client grant", ["client_id", "audience"]),
        ("users", "user", ["user_id"]),
    ]

    /// The first entry that repeats an earlier one's identity, at its position.
    static func firstDuplicate(in node: Node) -> SafeYAML.Problem? {
        guard case .mapping(let root) = node else { return nil }
        for (section, what, fields) in identities {
            guard case .sequence(let entries)? = root[Node(section)] else { continue }
            // By bytes: two ids that differ only in how a character is encoded are two entries, as in the directory.
            var seen: [ByteString: Int] = [:]
            for entry in entries {
                guard case .mapping(let mapping) = entry else { continue }
                // A client is named by its id when it has one, else by its name (as the Deploy CLI refers to it).
                let values = section == "clients"
                    ? [mapping[Node("client_id")]?.string ?? mapping[Node("name")]?.string ?? ""]
                    : fields.map { mapping[Node($0)]?.string ?? "" }
                let identity = values.joined(separator: " for ")
                if let first = seen[ByteString(identity)] {
                    return SafeYAML.Problem(
                        line: entry.mark?.line ?? 0, column: entry.mark?.column ?? 0,
                        message: "\(section): the \(what) '\(identity)' is listed twice (first at line \(first))")
                }
                seen[ByteString(identity)] = entry.mark?.line ?? 0
            }
        }
        return nil
    }
}

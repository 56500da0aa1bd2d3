import Foundation
import WardenModel

extension TupleFile {
    /// The CSV header OpenFGA's tools write and read.
    public static let csvColumns = [
        "user_type", "user_id", "user_relation", "relation", "object_type", "object_id", "condition_name",
        "condition_context",
    ]

    static func parseCSV(_ text: String, file: String) throws(Failure) -> [RelationshipTuple] {
        let rows = csvRows(text)
        guard let header = rows.first else { return [] }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var column: [String: Int] = [:]
        for (index, name) in names.enumerated() { column[name] = index }
        for required in ["user_type", "user_id", "relation", "object_type", "object_id"] where column[required] == nil {
            throw Failure(file: file, line: 1, message: "the header has no '\(required)' column")
        }
        var tuples: [RelationshipTuple] = []
        for (offset, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
            let line = offset + 2
            func field(_ name: String) -> String {
                guard let index = column[name], index < row.count else { return "" }
                return row[index]
            }
            var user = "\(field("user_type")):\(field("user_id"))"
            if !field("user_relation").isEmpty { user += "#\(field("user_relation"))" }
            do {
                let key = try TupleKey(
                    object: "\(field("object_type")):\(field("object_id"))", relation: field("relation"), user: user)
                var condition: TupleCondition?
                if !field("condition_name").isEmpty {
                    let contextText = field("condition_context")
                    condition = TupleCondition(
                        name: field("condition_name"), context: contextText.isEmpty ? nil : try JSONValue.parse(contextText))
                }
                tuples.append(RelationshipTuple(key, condition: condition))
            } catch let error as Diagnostic {
                throw Failure(file: file, line: line, message: error.message)
            } catch {
                throw Failure(file: file, line: line, message: "\(error)")
            }
        }
        return tuples
    }

    /// RFC 4180 rows: quoted fields may hold commas, quotes (doubled) and newlines.
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\r": continue
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// One CSV line for `tuple`, in ``csvColumns`` order.
    public static func csvLine(_ tuple: RelationshipTuple) -> String {
        let user = KeyParts(tuple.key.user)
        let fields = [
            user.type, user.id, user.relation, tuple.key.relation, tuple.key.object.type, tuple.key.object.id,
            tuple.condition?.name ?? "", tuple.condition?.context?.compact ?? "",
        ]
        return fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }

    private struct KeyParts {
        var type: String
        var id: String
        var relation: String

        init(_ user: UserRef) {
            switch user {
            case .object(let object): (type, id, relation) = (object.type, object.id, "")
            case .wildcard(let type): (self.type, id, relation) = (type, "*", "")
            case .userset(let object, let relation): (type, id, self.relation) = (object.type, object.id, relation)
            }
        }
    }
}

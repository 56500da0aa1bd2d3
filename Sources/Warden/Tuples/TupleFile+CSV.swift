import Foundation
import WardenModel

extension TupleFile {
    /// The CSV header OpenFGA's tools write and read.
    public static let csvColumns = [
        "user_type", "user_id", "user_relation", "relation", "object_type", "object_id", "condition_name",
        "condition_context",
    ]

    static func parseCSV(_ text: String, file: String) throws(Failure) -> [RelationshipTuple] {
        var reader = CSVTupleReader(file: file)
        var tuples: [RelationshipTuple] = []
        for record in csvRecords(text) {
            if let tuple = try reader.tuple(fromRecord: record.text, line: record.lineOffset + 1) { tuples.append(tuple) }
        }
        return tuples
    }

    /// Splits CSV text into records (a quoted field may span lines), each with its first line's offset (0-based).
    static func csvRecords(_ text: String) -> [(text: String, lineOffset: Int)] {
        var records: [(String, Int)] = []
        var assembler = CSVRecordAssembler()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let record = assembler.add(String(line), line: index) { records.append((record.text, record.line)) }
        }
        if let rest = assembler.finish() { records.append((rest.text, rest.line)) }
        return records
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

/// Joins physical lines into CSV records: a line that leaves a quoted field open continues on the next.
struct CSVRecordAssembler {
    private var pending: String?
    private var pendingLine = 0
    private var open = false

    /// Adds a physical line (0-based `line`); returns a finished record and the line it began on.
    mutating func add(_ text: String, line: Int) -> (text: String, line: Int)? {
        if pending == nil {
            pending = text
            pendingLine = line
        } else {
            pending! += "\n" + text
        }
        if text.utf8.reduce(0, { $1 == UInt8(ascii: "\"") ? $0 + 1 : $0 }) % 2 == 1 { open.toggle() }
        guard !open, let record = pending else { return nil }
        pending = nil
        return (record, pendingLine)
    }

    /// The unfinished record at the end of the input, if any.
    mutating func finish() -> (text: String, line: Int)? {
        defer { pending = nil }
        return pending.map { ($0, pendingLine) }
    }
}

/// Reads CSV records as tuples: the first record is the header naming the columns.
struct CSVTupleReader {
    let file: String
    private var column: [String: Int]?

    init(file: String) {
        self.file = file
    }

    /// The tuple of one record (nil for the header and blank records); `line` is 1-based.
    mutating func tuple(fromRecord record: String, line: Int) throws(TupleFile.Failure) -> RelationshipTuple? {
        guard let row = TupleFile.csvRows(record).first, !(row.count == 1 && row[0].isEmpty) else { return nil }
        guard let column else {
            var names: [String: Int] = [:]
            for (index, name) in row.enumerated() { names[name.trimmingCharacters(in: .whitespaces)] = index }
            for required in ["user_type", "user_id", "relation", "object_type", "object_id"] where names[required] == nil {
                throw TupleFile.Failure(file: file, line: line, message: "the header has no '\(required)' column")
            }
            self.column = names
            return nil
        }
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
            return RelationshipTuple(key, condition: condition)
        } catch let error as Diagnostic {
            throw TupleFile.Failure(file: file, line: line, message: error.message)
        } catch {
            throw TupleFile.Failure(file: file, line: line, message: "\(error)")
        }
    }
}

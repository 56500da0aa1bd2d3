import ArgumentParser
import Foundation
import Warden
import WardenModel
import WardenStore
import WardenWire

/// `warden tuple …`: write, delete, read, import, export tuples and read the changelog.
struct TupleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tuple", abstract: "Write, delete, read, import and export relationship tuples.",
        subcommands: [
            TupleWriteCommand.self, TupleDeleteCommand.self, TupleReadCommand.self, TupleImportCommand.self,
            TupleExportCommand.self, TupleChangesCommand.self, TupleWatchCommand.self,
        ])
}

extension WriteBatch.OnDuplicate: ExpressibleByArgument {}
extension WriteBatch.OnMissing: ExpressibleByArgument {}

/// One tuple given as arguments: USER RELATION OBJECT.
struct TupleArguments: ParsableArguments {
    @Argument(help: "The user: type:id, type:* or type:id#relation.") var user: String
    @Argument(help: "The relation.") var relation: String
    @Argument(help: "The object: type:id.") var object: String

    func key() throws -> TupleKey {
        try reporting { try TupleKey(object: object, relation: relation, user: user) }
    }
}

struct TupleWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write", abstract: "Write one tuple, validated against the store's newest model.")

    @OptionGroup var tuple: TupleArguments
    @Option(help: "A condition name from the model.") var condition: String?
    @Option(help: "The condition's context, a JSON object.") var conditionContext: String?
    @Option(help: "error or ignore an existing tuple.") var onDuplicate: WriteBatch.OnDuplicate = .error
    @Option(help: "Let the tuple expire after this long: 30d, 12h, 90m or 45s.") var expiresIn: String?
    @Option(help: "Let the tuple expire at this instant (RFC 3339, such as 2026-12-31T00:00:00Z).") var expiresAt: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        let key = try tuple.key()
        let context = try conditionContext.map { text in try reporting { try JSONValue.parse(text) } }
        if context != nil, condition == nil { throw ValidationError("--condition-context needs --condition") }
        var written = RelationshipTuple(key, condition: condition.map { TupleCondition(name: $0, context: context) })
        switch (expiresIn, expiresAt) {
        case (let duration?, nil):
            guard let milliseconds = TupleExpiry.duration(duration) else {
                throw ValidationError("--expires-in is a whole number of days, hours, minutes or seconds (30d, 12h, 90m, 45s), not '\(duration)'")
            }
            written.expiresAtMilliseconds = ExpiryClock.systemMilliseconds + milliseconds
        case (nil, let instant?):
            guard let milliseconds = TupleExpiry.parse(instant) else {
                throw ValidationError("--expires-at is an RFC 3339 timestamp (2026-12-31T00:00:00Z), not '\(instant)'")
            }
            written.expiresAtMilliseconds = milliseconds
        case (nil, nil): break
        case (_?, _?): throw ValidationError("give --expires-in or --expires-at, not both")
        }
        let (warden, info) = try store.open()
        let revision = try reporting {
            try warden.write(WriteBatch(writes: [written], onDuplicate: onDuplicate), store: info.id)
        }
        if key.description.hasInvisibleCharacters {
            StandardError.write(
                "warning: \(key.description.quotedForMessage()) has an id with invisible or direction-changing characters "
                    + "(it may display as another id)")
        }
        let until = written.expiresAtMilliseconds.map { " until \(TupleExpiry.format($0))" } ?? ""
        print("wrote \(written.description.quotedForMessage(limit: .max))\(until) (revision \(revision))")
    }
}

struct TupleDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete one tuple.")

    @OptionGroup var tuple: TupleArguments
    @Option(help: "error or ignore a missing tuple.") var onMissing: WriteBatch.OnMissing = .error
    @OptionGroup var store: StoreOptions

    func run() throws {
        let key = try tuple.key()
        let (warden, info) = try store.open()
        let revision = try reporting { try warden.tuples.write(WriteBatch(deletes: [key], onMissing: onMissing), store: info.id) }
        print("deleted \(key) (revision \(revision))")
    }
}

/// How `tuple read` and `tuple export` print tuples.
enum TupleFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, jsonl, yaml, csv
}

enum TuplePrinter {
    static func print(_ tuples: [RelationshipTuple], as format: TupleFormat) {
        switch format {
        case .text:
            // For people: invisible and direction-changing characters escaped (JSON, JSONL and CSV keep the bytes).
            for tuple in tuples {
                let key = tuple.key.description.quotedForMessage(limit: .max)
                let until = tuple.expiresAtMilliseconds.map { " until \(TupleExpiry.format($0))" } ?? ""
                Swift.print((tuple.condition.map { "\(key) with \($0.name)\($0.context.map { " \($0.compact)" } ?? "")" } ?? key) + until)
            }
        case .jsonl: for tuple in tuples { Swift.print(TupleFile.json(tuple).compact) }
        case .json: Swift.print(JSONValue.array(tuples.map(TupleFile.json)).formatted())
        case .yaml:
            // JSON is YAML; one flow mapping per entry keeps context types exact.
            for tuple in tuples { Swift.print("- \(TupleFile.json(tuple).compact)") }
        case .csv:
            Swift.print(TupleFile.csvColumns.joined(separator: ","))
            for tuple in tuples { Swift.print(TupleFile.csvLine(tuple)) }
        }
    }
}

struct TupleReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Read tuples matching filters.")

    @Option(help: "type or type:id.") var object: String?
    @Option(help: "The relation.") var relation: String?
    @Option(help: "type:id, type:* or type:id#relation (needs --object's type).") var user: String?
    @Option(help: "text, json, jsonl, yaml or csv.") var output: TupleFormat = .text
    @Option(help: "Most tuples to print (all when absent).") var limit: Int?
    @OptionGroup var store: StoreOptions

    func run() throws {
        var filter = ReadFilter(relation: relation)
        if let object {
            let (type, id) = object.splitOnce(at: UInt8(ascii: ":")).map { ($0.before, Optional($0.after)) } ?? (object, nil)
            guard !type.isEmpty, id.map({ !$0.isEmpty }) ?? true else {
                throw ValidationError("--object is a type (document) or an object (document:roadmap), not '\(object)'")
            }
            filter.objectType = type
            filter.objectID = id
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let user { filter.user = try reporting { try UserRef(parsing: user) } }
        let (warden, info) = try store.open(readOnly: true)
        var found: [RelationshipTuple] = []
        var token: ContinuationToken?
        repeat {
            let remaining = limit.map { $0 - found.count } ?? 1000
            guard remaining > 0 else { break }
            let page = try reporting { try warden.read(filter, store: info.id, after: token, limit: min(1000, remaining)) }
            found += page.tuples
            token = page.continuation
        } while token != nil
        TuplePrinter.print(found, as: output)
    }
}

struct TupleImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import tuple files (.yaml, .json, .jsonl, .csv) in validated batches, with a progress bar on a terminal.")

    @Argument(help: "Tuple files.") var files: [String]
    @Option(help: "Tuples per committed batch (each commit is one disk sync; a batch of sorted new keys fills its pages).") var batchSize = Warden.importBatchSize
    @Option(help: "error or ignore tuples that already exist.") var onDuplicate: WriteBatch.OnDuplicate = .error
    @Flag(help: "Print 'committed N' on stdout after each durable batch (for scripts that resume imports).")
    var logBatches = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one tuple file") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let (warden, info) = try store.open()
        let bar = ProgressBar(label: "importing")
        let summary: ImportSummary
        do {
            summary = try warden.importTuples(
                from: files.map(TupleFileSource.init(path:)), store: info.id, batchSize: batchSize, onDuplicate: onDuplicate
            ) { progress in
                bar.update(progress.read, of: progress.total)
                if logBatches {
                    print("committed \(progress.read)")
                    fflush(nil)
                }
            }
        } catch let problem as ImportProblem {
            StandardError.write("\(problem.file):\(problem.line): error: \(problem.reason)\nnothing was written")
            throw WardenExit.badInput
        } catch let failure as TupleFile.Failure {
            StandardError.write("\(failure)\nnothing was written")
            throw WardenExit.badInput
        } catch {
            try reporting { throw error }
            return
        }
        if summary.invisibleCharacters > 0 {
            StandardError.write(
                "warning: \(summary.invisibleCharacters) tuple(s) have ids with invisible or direction-changing characters "
                    + "(they may display as other ids): " + summary.invisibleExamples.joined(separator: "; "))
        }
        // Wall-clock from process start to the last commit: the rate a stopwatch around the command sees.
        let seconds = ProcessClock.secondsSinceStart()
        let skipped = summary.skipped > 0 ? ", \(summary.skipped) already present" : ""
        print(
            "imported \(summary.written) tuples\(skipped) in \(String(format: "%.2f", seconds)) s "
                + "(\(Int(Double(summary.read) / max(seconds, 1e-9))) tuples/s)")
    }
}

struct TupleExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Print every tuple of a store.")

    @Option(help: "jsonl, json, yaml or csv.") var format: TupleFormat = .jsonl
    @OptionGroup var store: StoreOptions

    func run() throws {
        let (warden, info) = try store.open(readOnly: true)
        var all: [RelationshipTuple] = []
        var token: ContinuationToken?
        repeat {
            let page = try reporting { try warden.read(ReadFilter(), store: info.id, after: token, limit: 10_000) }
            all += page.tuples
            token = page.continuation
        } while token != nil
        TuplePrinter.print(all, as: format)
    }
}

struct TupleChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes", abstract: "Print changes (JSON lines) after a token; the next token goes to stderr.")

    @Option(help: "Only changes on objects of this type.") var type: String?
    @Option(help: "A token from a previous run.") var after: String?
    @Option(help: "Most changes to print.") var limit = 100
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let (warden, info) = try store.open(readOnly: true)
        let page = try reporting {
            try warden.changes(store: info.id, objectType: type, after: after.map(ContinuationToken.init(text:)), limit: limit)
        }
        for change in page.changes {
            print(
                JSONValue.object([
                    ("operation", .string(change.operation.rawValue)), ("revision", .number(change.revision.description)),
                    ("tuple", TupleFile.json(change.tuple)),
                ]).compact)
        }
        if let token = page.continuation { StandardError.write("continuation: \(token)") }
    }
}

/// `warden tuple watch`: the store's changes as they commit, one JSON line each (ReadChanges' fields and the
/// `position` to resume after), from now or after a position, until interrupted or `--count` changes.
struct TupleWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print changes as they commit (JSON lines, each with the position to resume after), from now or after --after.")

    @Option(help: "Only changes on objects of this type.") var type: String?
    @Option(help: "Resume after this position (a change's 'position', or a 'tuple changes' token; '' for the first change); default: from now.")
    var after: String?
    @Option(help: "Stop after this many changes (default: run until interrupted).") var count: Int?
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        let (warden, info) = try store.open(readOnly: true)
        var watch = try reporting {
            try ChangeWatch(
                warden: warden, store: info.id, objectType: type,
                from: after.map { $0.isEmpty ? .beginning : .after(ContinuationToken(text: $0)) } ?? .now)
        }
        var printed = 0
        while count.map({ printed < $0 }) ?? true {
            let changes = try reporting { try watch.next() }
            if changes.isEmpty {
                Thread.sleep(forTimeInterval: ChangeWatch.pollInterval.inSeconds)
                continue
            }
            for change in changes.prefix(count.map { $0 - printed } ?? changes.count) {
                print(ChangeWatch.json(change).compact)
                printed += 1
            }
            // Each page as soon as it is read, also into a pipe.
            fflush(nil)
        }
    }
}

import Foundation
import Testing
import Warden
import WardenEngine
import WardenModel
import WardenStore
import WardenTestSupport

/// How an import commits: sources that fit in one batch are read once and written in one transaction, whose keys
/// fill their pages; larger ones are read again, batch by batch. Either way, every tuple is there.
@Suite("Import batches")
struct ImportBatchTests {
    static let model = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user]\n"

    /// Tuples in memory that count how often they are read.
    final class CountingSource: TupleSource, @unchecked Sendable {
        let tuples: [RelationshipTuple]
        private let lock = NSLock()
        private var reads = 0

        init(_ tuples: [RelationshipTuple]) { self.tuples = tuples }

        var name: String { "counted" }
        var passes: Int { lock.withLock { reads } }

        func forEach(_ body: (Int, RelationshipTuple) throws -> Void) throws {
            lock.withLock { reads += 1 }
            for (index, tuple) in tuples.enumerated() { try body(index + 1, tuple) }
        }
    }

    /// `doc:doc-N#viewer@user:user-(N % 100)`: consecutive tuples' reverse keys far apart, and (by bytes) doc-10
    /// between doc-1 and doc-2, so batches land between each other's keys, as `StoreBenchmarks`' import does.
    static func tuples(_ count: Int) -> [RelationshipTuple] {
        (0..<count).map { index in
            RelationshipTuple(
                TupleKey(object: ObjectRef(type: "doc", id: "doc-\(index)"), relation: "viewer", user: .object(ObjectRef(type: "user", id: "user-\(index % 100)"))))
        }
    }

    static func open(_ data: TemporaryDirectory) throws -> (Warden, String) {
        let warden = try Warden(dataDirectory: data.path)
        let store = try warden.createStore(name: "s").id
        _ = try warden.writeModel(try DSLParser.parseModel(model), store: store)
        return (warden, store)
    }

    @Test("read once when the tuples fit in one batch (exactly or fewer), twice when not; every tuple stored, one commit per batch",
          arguments: [(10, 10, 1, 1), (10, 25, 1, 1), (10, 4, 2, 3), (10, 9, 2, 2)])
    func passes(count: Int, batchSize: Int, passes: Int, commits: Int) throws {
        let data = try TemporaryDirectory()
        let (warden, store) = try Self.open(data)
        let source = CountingSource(Self.tuples(count))
        var progress: [Int] = []
        let summary = try warden.importTuples(from: [source], store: store, batchSize: batchSize) { progress.append($0.read) }
        #expect(source.passes == passes)
        #expect(progress.count == commits)
        #expect(progress.last == count)
        #expect(summary.written == count)
        let stored = try warden.read(ReadFilter(), store: store, after: nil, limit: 100).tuples
        #expect(Set(stored.map(\.key.description)) == Set(source.tuples.map(\.key.description)))
        func check(_ user: String) throws -> Bool {
            try warden.check(
                CheckRequest(user: .object(ObjectRef(type: "user", id: user)), relation: "viewer", object: ObjectRef(type: "doc", id: "doc-3")),
                store: store
            ).allowed
        }
        #expect(try check("user-3"))
        #expect(try !check("user-4"))
    }

    @Test("20,000 tuples in one batch take well under two thirds of the disk 10 batches of 2,000 take, and read back the same")
    func oneBatchIsCompact() throws {
        let tuples = Self.tuples(20_000)
        var sizes: [Int] = []
        var contents: [[String]] = []
        for batchSize in [Warden.importBatchSize, 2_000] {
            let data = try TemporaryDirectory()
            let (warden, store) = try Self.open(data)
            try warden.importTuples(tuples, store: store, batchSize: batchSize)
            var all: [String] = []
            var token: ContinuationToken?
            repeat {
                let page = try warden.read(ReadFilter(), store: store, after: token, limit: 5_000)
                all += page.tuples.map(\.key.description)
                token = page.continuation
            } while token != nil
            contents.append(all)
            let size = try FileManager.default.attributesOfItem(atPath: data.path + "/data.mdb")[.size] as? Int ?? 0
            sizes.append(size)
        }
        print("20,000 tuples: \(sizes[0]) bytes in one batch, \(sizes[1]) in batches of 2,000")
        #expect(contents[0].count == 20_000)
        #expect(contents[0] == contents[1])
        #expect(sizes[0] * 3 < sizes[1] * 2, "\(sizes[0]) bytes in one batch, \(sizes[1]) in batches of 2,000")
    }
}

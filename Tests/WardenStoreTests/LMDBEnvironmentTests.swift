import Foundation
import Testing
import WardenTestSupport
@testable import WardenStore

/// The LMDB wrapper over Debian's real liblmdb: reads, writes, scans, errors, map growth, reopening.
@Suite("LMDB environment")
final class LMDBEnvironmentTests {
    /// The directories this test made, removed with the suite instance (one per test).
    private let directories = TemporaryDirectories("warden-lmdb")

    @Test("put, get, overwrite, delete")
    func basics() throws {
        let environment = try LMDBEnvironment(path: try directories.dataPath())
        let database = try environment.database(named: "test")
        try environment.write { transaction in
            try transaction.put(Array("a".utf8), Array("1".utf8), in: database)
            try transaction.put(Array("b".utf8), Array("2".utf8), in: database)
        }
        #expect(try environment.read { try $0.get(Array("a".utf8), in: database) } == Array("1".utf8))
        #expect(try environment.read { try $0.get(Array("zz".utf8), in: database) } == nil)
        let error = #expect(throws: LMDBError.self) {
            try environment.write { try $0.put(Array("a".utf8), Array("x".utf8), in: database, overwrite: false) }
        }
        #expect(error?.code == .keyExists)
        #expect(try environment.read { try $0.get(Array("a".utf8), in: database) } == Array("1".utf8))
        #expect(try environment.write { try $0.delete(Array("a".utf8), in: database) } == true)
        #expect(try environment.write { try $0.delete(Array("a".utf8), in: database) } == false)
        #expect(try environment.read { try $0.count(of: database) } == 1)
    }

    @Test("a failed write leaves nothing behind")
    func atomicWrite() throws {
        struct Stop: Error {}
        let environment = try LMDBEnvironment(path: try directories.dataPath())
        let database = try environment.database(named: "test")
        #expect(throws: Stop.self) {
            try environment.write { transaction in
                try transaction.put(Array("k".utf8), Array("v".utf8), in: database)
                throw Stop()
            }
        }
        #expect(try environment.read { try $0.count(of: database) } == 0)
    }

    @Test("prefix scans return keys in order, resume from a start key, and stop at the prefix's end")
    func scans() throws {
        let environment = try LMDBEnvironment(path: try directories.dataPath())
        let database = try environment.database(named: "test")
        try environment.write { transaction in
            for key in ["a/1", "a/2", "a/3", "ab", "b/1"] {
                try transaction.put(Array(key.utf8), Array(key.utf8), in: database)
            }
        }
        func keys(prefix: String, from start: String? = nil) throws -> [String] {
            try environment.read { transaction in
                var found: [String] = []
                try transaction.scan(prefix: Array(prefix.utf8), from: start.map { Array($0.utf8) }, in: database) { key, _ in
                    found.append(String(decoding: key, as: UTF8.self))
                    return true
                }
                return found
            }
        }
        #expect(try keys(prefix: "a/") == ["a/1", "a/2", "a/3"])
        #expect(try keys(prefix: "a/", from: "a/2") == ["a/2", "a/3"])
        #expect(try keys(prefix: "") == ["a/1", "a/2", "a/3", "ab", "b/1"])
        #expect(try keys(prefix: "c") == [])
    }

    @Test("a full map grows instead of failing the write")
    func mapGrowth() throws {
        var configuration = LMDBEnvironment.Configuration()
        configuration.mapSize = 256 << 10
        let environment = try LMDBEnvironment(path: try directories.dataPath(), configuration: configuration)
        let database = try environment.database(named: "test")
        let value = [UInt8](repeating: 7, count: 1024)
        try environment.write { transaction in
            for index in 0..<4000 {
                try transaction.put(Array("key-\(index)".utf8), value, in: database)
            }
        }
        #expect(environment.mapSize > 256 << 10)
        #expect(try environment.read { try $0.count(of: database) } == 4000)
    }

    @Test("committed data survives reopening")
    func reopen() throws {
        let path = try directories.dataPath()
        do {
            let environment = try LMDBEnvironment(path: path)
            let database = try environment.database(named: "test")
            try environment.write { try $0.put(Array("k".utf8), Array("v".utf8), in: database) }
        }
        let environment = try LMDBEnvironment(path: path)
        let database = try environment.database(named: "test")
        #expect(try environment.read { try $0.get(Array("k".utf8), in: database) } == Array("v".utf8))
    }

    @Test("a file that is not an LMDB environment is a typed error")
    func corruptFile() throws {
        let path = try directories.dataPath()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Data(repeating: 0xAB, count: 16384).write(to: URL(fileURLWithPath: path + "/data.mdb"))
        let error = #expect(throws: LMDBError.self) { _ = try LMDBEnvironment(path: path) }
        #expect(error?.code == .invalidFile)
    }

    @Test("a reader's snapshot does not see a later commit")
    func snapshotIsolation() throws {
        let environment = try LMDBEnvironment(path: try directories.dataPath())
        let database = try environment.database(named: "test")
        try environment.write { try $0.put(Array("k".utf8), Array("old".utf8), in: database) }
        let seen = try environment.read { transaction in
            let before = try transaction.get(Array("k".utf8), in: database)
            let writer = Thread {
                try? environment.write { try $0.put(Array("k".utf8), Array("new".utf8), in: database) }
            }
            writer.start()
            while !writer.isFinished { usleep(1000) }
            return (before, try transaction.get(Array("k".utf8), in: database))
        }
        #expect(seen.0 == Array("old".utf8))
        #expect(seen.1 == Array("old".utf8))
        #expect(try environment.read { try $0.get(Array("k".utf8), in: database) } == Array("new".utf8))
    }
}

import Foundation
import Testing
import WardenPostgres
import WardenStore
import WardenTestSupport

@Suite("Tuple store contract")
struct TupleStoreContractTests {
    @Test("MemoryTupleStore", arguments: TupleStoreContract.allCases)
    func memory(_ contract: TupleStoreContract) throws {
        try contract.run(on: MemoryTupleStore())
    }

    @Test("LMDBTupleStore", arguments: TupleStoreContract.allCases)
    func lmdb(_ contract: TupleStoreContract) throws {
        let directory = try TemporaryDirectory()
        try contract.run(on: LMDBTupleStore(path: directory.path))
    }

    @Test(
        "PostgresTupleStore", .enabled(if: PostgresTestDatabase.available, PostgresTestDatabase.skipReason),
        arguments: TupleStoreContract.allCases)
    func postgres(_ contract: TupleStoreContract) throws {
        let database = try PostgresTestDatabase()
        try contract.run(on: PostgresTupleStore(database.datastore))
    }
}

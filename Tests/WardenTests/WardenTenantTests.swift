import Foundation
import Testing
import Warden
import WardenScopes
import WardenTestSupport

/// The token layer's state in the data directory: the tenant and the signing keys survive reopening.
@Suite("Warden tenant and keys")
struct WardenTenantTests {
    @Test("an imported tenant and the signing keys persist in the data directory")
    func persistence() throws {
        let directory = try TemporaryDirectory()
        let tenant = try TenantFile.load(path: Fixtures.repositoryRoot.appendingPathComponent("models/warehouse/tenant.yaml").path)
        let firstKeys: KeyRing
        do {
            let warden = try Warden(dataDirectory: directory.path)
            #expect(try warden.tenant() == nil)
            try warden.importTenant(tenant)
            firstKeys = try warden.keyRing()
        }
        let reopened = try Warden(dataDirectory: directory.path)
        #expect(try reopened.tenant() == tenant)
        #expect(try reopened.keyRing() == firstKeys)
        let rotated = try reopened.rotateKeys(overlap: 60)
        #expect(rotated.keys.count == 2)
        #expect(rotated.active?.id != firstKeys.active?.id)
        #expect(try Warden(dataDirectory: directory.path).keyRing() == rotated)
    }
}

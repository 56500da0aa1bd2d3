import Testing
import WardenModel
@testable import WardenStore

/// A store's interned names (and the compiled model's types and relations, through the same ``NameTable``) are found by their bytes: through fingerprints while the store names few, through the
/// dictionary past that, with the same answers.
@Suite("Name lookup")
struct NameLookupTests {
    static let long = "relation_with_a_long_name_"
    static let stored = ["user", "K", "\u{E9}", long + "1", long + "2", "ab"]

    static func names(padding: Int) -> Names {
        Names().adding(stored + (0..<padding).map { "padding\($0)" })
    }

    @Test("names, long names sharing 16 bytes, lookalikes and unknown names", arguments: [0, 20])
    func lookups(padding: Int) {
        let names = Self.names(padding: padding)
        for (index, name) in Self.stored.enumerated() { #expect(names.number(name) == UInt32(index + 1), "\(name)") }
        #expect(names.number(Self.long + "3") == nil)
        #expect(names.number(Self.long) == nil)
        #expect(names.number("\u{212A}") == nil, "the Kelvin sign is not K")
        #expect(names.number("e\u{301}") == nil, "NFD é is not NFC é")
        #expect(names.number("a") == nil)
        #expect(names.number("abc") == nil)
        #expect(names.number("") == 0)
    }

    @Test("a name table keeps the first value given for a name, scanned or hashed", arguments: [0, 20])
    func firstValueKept(padding: Int) {
        var table = NameTable((0..<padding).map { ("padding\($0)", -1) })
        table.insert("viewer", 1)
        table.insert("viewer", 2)
        table.insert("vie\u{301}wer", 3)
        #expect(table["viewer"] == 1)
        #expect(table["vie\u{301}wer"] == 3)
        #expect(table["vi\u{E9}wer"] == nil)
        #expect(table.count == padding + 2)
    }
}

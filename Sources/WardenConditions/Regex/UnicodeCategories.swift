/// The Unicode classes `\p{…}` names: general categories (one letter for a group, two for one category) and the
/// common scripts. Scripts are their main blocks' ranges, since the standard library has no script property.
enum UnicodeCategories {
    static let named: [String: Set<Unicode.GeneralCategory>] = {
        let groups: [String: [(String, Unicode.GeneralCategory)]] = [
            "L": [("Lu", .uppercaseLetter), ("Ll", .lowercaseLetter), ("Lt", .titlecaseLetter),
                  ("Lm", .modifierLetter), ("Lo", .otherLetter)],
            "M": [("Mn", .nonspacingMark), ("Mc", .spacingMark), ("Me", .enclosingMark)],
            "N": [("Nd", .decimalNumber), ("Nl", .letterNumber), ("No", .otherNumber)],
            "P": [("Pc", .connectorPunctuation), ("Pd", .dashPunctuation), ("Ps", .openPunctuation),
                  ("Pe", .closePunctuation), ("Pi", .initialPunctuation), ("Pf", .finalPunctuation),
                  ("Po", .otherPunctuation)],
            "S": [("Sm", .mathSymbol), ("Sc", .currencySymbol), ("Sk", .modifierSymbol), ("So", .otherSymbol)],
            "Z": [("Zs", .spaceSeparator), ("Zl", .lineSeparator), ("Zp", .paragraphSeparator)],
            "C": [("Cc", .control), ("Cf", .format), ("Cs", .surrogate), ("Co", .privateUse)],
        ]
        var table: [String: Set<Unicode.GeneralCategory>] = [:]
        for (group, members) in groups {
            table[group] = Set(members.map(\.1))
            for (name, category) in members { table[name] = [category] }
        }
        return table
    }()

    static let scripts: [String: [ClosedRange<UInt32>]] = [
        "Latin": [0x41...0x5A, 0x61...0x7A, 0xAA...0xAA, 0xBA...0xBA, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F,
                  0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF, 0xFF21...0xFF3A, 0xFF41...0xFF5A],
        "Greek": [0x370...0x373, 0x375...0x377, 0x37A...0x37D, 0x37F...0x37F, 0x384...0x384, 0x386...0x386,
                  0x388...0x3E1, 0x3F0...0x3FF, 0x1F00...0x1FFF],
        "Cyrillic": [0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F],
        "Armenian": [0x531...0x58A],
        "Hebrew": [0x591...0x5F4, 0xFB1D...0xFB4F],
        "Arabic": [0x600...0x604, 0x606...0x60B, 0x60D...0x61A, 0x61C...0x61E, 0x620...0x63F, 0x641...0x64A,
                   0x656...0x66F, 0x671...0x6DC, 0x6DE...0x6FF, 0x750...0x77F, 0xFB50...0xFDFF, 0xFE70...0xFEFC],
        "Devanagari": [0x900...0x950, 0x955...0x963, 0x966...0x97F],
        "Thai": [0xE01...0xE3A, 0xE40...0xE5B],
        "Georgian": [0x10A0...0x10FF],
        "Hangul": [0x1100...0x11FF, 0x3131...0x318E, 0xAC00...0xD7A3],
        "Hiragana": [0x3041...0x3096, 0x309D...0x309F],
        "Katakana": [0x30A1...0x30FA, 0x30FD...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF6F, 0xFF71...0xFF9D],
        "Han": [0x2E80...0x2FD5, 0x3005...0x3005, 0x3007...0x3007, 0x3021...0x3029, 0x3038...0x303B,
                0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F],
    ]
}

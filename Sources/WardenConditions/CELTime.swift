/// RFC 3339 timestamps and Go-style durations (`1h30m`, `300ms`, `-1.5s`), as CEL's `timestamp()` and
/// `duration()` read them.
enum CELTime {
    /// Seconds of 0001-01-01 and 9999-12-31T23:59:59, CEL's timestamp range.
    static let range: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    static func timestamp(_ text: String) throws(ConditionError) -> CELValue {
        func fail() -> ConditionError { ConditionError(.evaluation, "'\(text)' is not an RFC 3339 timestamp") }
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) throws(ConditionError) -> Int64 {
            guard start + count <= bytes.count else { throw fail() }
            var value: Int64 = 0
            for byte in bytes[start..<start + count] {
                guard (48...57).contains(byte) else { throw fail() }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":")
        else { throw fail() }
        let (year, month, day) = (try digits(0, 4), try digits(5, 2), try digits(8, 2))
        let (hour, minute, second) = (try digits(11, 2), try digits(14, 2), try digits(17, 2))
        // Go's time.Parse with RFC 3339, as OpenFGA and cel-go parse: upper-case 'T' and 'Z', no leap second.
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
            second < 60
        else { throw fail() }
        var index = 19
        var nanos: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var count = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if count < 9 { nanos = nanos * 10 + Int64(bytes[index] - 48) }
                count += 1
                index += 1
            }
            guard count > 0 else { throw fail() }
            for _ in count..<max(count, 9) { nanos *= 10 }
        }
        guard index < bytes.count else { throw fail() }
        var offset: Int64 = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":") else { throw fail() }
            let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
            let (offsetHours, offsetMinutes) = (try digits(index + 1, 2), try digits(index + 4, 2))
            guard offsetHours <= 24, offsetMinutes <= 60 else { throw fail() }  // Go allows 24 and 60 here
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
            index += 6
        default:
            throw fail()
        }
        guard index == bytes.count else { throw fail() }
        let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        guard range.contains(seconds) else { throw ConditionError(.evaluation, "timestamp '\(text)' is out of range") }
        return .timestamp(seconds: seconds, nanos: Int32(nanos))
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(_ seconds: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = CELFunctions.floorDivide(seconds, 86_400) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPart = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
        let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func shift(seconds: Int64, nanos: Int32, by delta: Int64) throws(ConditionError) -> CELValue {
        var total = Int64(nanos) + delta % 1_000_000_000
        var newSeconds = seconds + delta / 1_000_000_000
        if total < 0 {
            total += 1_000_000_000
            newSeconds -= 1
        } else if total >= 1_000_000_000 {
            total -= 1_000_000_000
            newSeconds += 1
        }
        guard range.contains(newSeconds) else { throw ConditionError(.evaluation, "timestamp overflow") }
        return .timestamp(seconds: newSeconds, nanos: Int32(total))
    }

    /// Nanoseconds of a Go-style duration: an optional sign, then one or more `<number><unit>` with units
    /// `h`, `m`, `s`, `ms`, `us`/`µs`, `ns`; CEL also accepts plain seconds like `3.5s`.
    static func duration(_ text: String) throws(ConditionError) -> Int64 {
        func fail() -> ConditionError { ConditionError(.evaluation, "'\(text)' is not a duration like 1h30m") }
        var scalars = Substring(text)
        var sign: Double = 1
        if scalars.first == "-" || scalars.first == "+" {
            sign = scalars.first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        if scalars == "0" { return 0 }
        guard !scalars.isEmpty else { throw fail() }
        var total: Double = 0
        while !scalars.isEmpty {
            let number = scalars.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { throw fail() }
            scalars = scalars.dropFirst(number.count)
            let unit = scalars.prefix { !$0.isNumber && $0 != "." }
            scalars = scalars.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "h": scale = 3_600e9
            case "m": scale = 60e9
            case "s": scale = 1e9
            case "ms": scale = 1e6
            case "us", "µs", "μs": scale = 1e3
            case "ns": scale = 1
            default: throw fail()
            }
            total += value * scale
        }
        let nanos = sign * total
        guard nanos.magnitude < 9.2e18 else { throw ConditionError(.evaluation, "duration '\(text)' is out of range") }
        return Int64(nanos.rounded())
    }
}

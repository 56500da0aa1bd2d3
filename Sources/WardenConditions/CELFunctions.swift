import WardenModel


/// The functions OpenFGA's CEL environment offers: `size`, the string predicates, type conversions,
/// `timestamp`/`duration`, and the `ipaddress` extension with `in_cidr`.
enum CELFunctions {
    static func call(
        _ name: String, isMethod: Bool, _ count: Int, _ first: CELValue?, _ second: CELValue?
    ) throws(ConditionError) -> CELValue {
        switch (name, count, first, second) {
        case ("size", 1, .string(let text)?, nil): return .int(Int64(text.unicodeScalars.count))
        case ("size", 1, .list(let values)?, nil): return .int(Int64(values.count))
        case ("size", 1, .map(let map)?, nil): return .int(Int64(map.count))
        // Strings are bytes here, as in Go: "e\u{301}".startsWith("e") is true.
        case ("startsWith", 2, .string(let text)?, .string(let prefix)?) where isMethod:
            return .bool(text.utf8.starts(with: prefix.utf8))
        case ("endsWith", 2, .string(let text)?, .string(let suffix)?) where isMethod:
            return .bool(text.utf8.count >= suffix.utf8.count && text.utf8.suffix(suffix.utf8.count).elementsEqual(suffix.utf8))
        case ("contains", 2, .string(let text)?, .string(let part)?) where isMethod:
            return .bool(containsBytes(text, part))
        case ("int", 1, .int(let value)?, nil): return .int(value)
        case ("int", 1, .uint(let value)?, nil):
            guard let converted = Int64(exactly: value) else { throw ConditionError(.evaluation, "int overflow") }
            return .int(converted)
        case ("int", 1, .double(let value)?, nil):
            guard value.isFinite, let converted = Int64(exactly: value.rounded(.towardZero)) else {
                throw ConditionError(.evaluation, "int overflow")
            }
            return .int(converted)
        case ("int", 1, .string(let text)?, nil):
            guard let converted = Int64(text) else { throw ConditionError(.evaluation, "cannot convert '\(text)' to int") }
            return .int(converted)
        case ("int", 1, .timestamp(let seconds, _)?, nil): return .int(seconds)
        case ("uint", 1, .uint(let value)?, nil): return .uint(value)
        case ("uint", 1, .int(let value)?, nil):
            guard let converted = UInt64(exactly: value) else { throw ConditionError(.evaluation, "uint overflow") }
            return .uint(converted)
        case ("uint", 1, .double(let value)?, nil):
            guard value.isFinite, let converted = UInt64(exactly: value.rounded(.towardZero)) else {
                throw ConditionError(.evaluation, "uint overflow")
            }
            return .uint(converted)
        case ("uint", 1, .string(let text)?, nil):
            guard let converted = UInt64(text) else { throw ConditionError(.evaluation, "cannot convert '\(text)' to uint") }
            return .uint(converted)
        case ("double", 1, .double(let value)?, nil): return .double(value)
        case ("double", 1, .int(let value)?, nil): return .double(Double(value))
        case ("double", 1, .uint(let value)?, nil): return .double(Double(value))
        case ("double", 1, .string(let text)?, nil):
            guard let converted = Double(text) else { throw ConditionError(.evaluation, "cannot convert '\(text)' to double") }
            return .double(converted)
        case ("string", 1, let value?, nil): return .string(try string(value))
        case ("bool", 1, .bool(let value)?, nil): return .bool(value)
        case ("timestamp", 1, .string(let text)?, nil): return try CELTime.timestamp(text)
        case ("timestamp", 1, .timestamp(let seconds, let nanos)?, nil): return .timestamp(seconds: seconds, nanos: nanos)
        case ("duration", 1, .string(let text)?, nil): return .duration(try CELTime.duration(text))
        case ("duration", 1, .duration(let nanos)?, nil): return .duration(nanos)
        case ("ipaddress", 1, .string(let text)?, nil):
            guard let bytes = CELNetwork.address(text) else { throw ConditionError(.evaluation, "'\(text)' is not an IP address") }
            return .ipaddress(bytes)
        case ("in_cidr", 2, .ipaddress(let address)?, .string(let cidr)?) where isMethod:
            return .bool(try CELNetwork.contains(cidr: cidr, address))
        case ("getFullYear", 1, .timestamp(let seconds, _)?, nil) where isMethod: return .int(CELTime.civil(seconds).year)
        case ("getMonth", 1, .timestamp(let seconds, _)?, nil) where isMethod: return .int(CELTime.civil(seconds).month - 1)
        case ("getDate", 1, .timestamp(let seconds, _)?, nil) where isMethod: return .int(CELTime.civil(seconds).day)
        case ("getDayOfWeek", 1, .timestamp(let seconds, _)?, nil) where isMethod:
            return .int((Int64(floorDivide(seconds, 86_400)) % 7 + 11) % 7)
        case ("getHours", 1, .timestamp(let seconds, _)?, nil) where isMethod: return .int(floorModulo(seconds, 86_400) / 3600)
        case ("getMinutes", 1, .timestamp(let seconds, _)?, nil) where isMethod: return .int(floorModulo(seconds, 3600) / 60)
        case ("getSeconds", 1, .timestamp(let seconds, _)?, nil) where isMethod: return .int(floorModulo(seconds, 60))
        case ("getHours", 1, .duration(let nanos)?, nil) where isMethod: return .int(nanos / 3_600_000_000_000)
        case ("getMinutes", 1, .duration(let nanos)?, nil) where isMethod: return .int(nanos / 60_000_000_000)
        case ("getSeconds", 1, .duration(let nanos)?, nil) where isMethod: return .int(nanos / 1_000_000_000)
        default:
            let types = [first, second].compactMap { $0?.typeName }.joined(separator: ", ")
            throw ConditionError(.evaluation, "no such overload: \(name)(\(types))")
        }
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        value - floorDivide(value, divisor) * divisor
    }

    /// Whether `part`'s UTF-8 bytes occur in `text`'s (Go's `strings.Contains`).
    static func containsBytes(_ text: String, _ part: String) -> Bool {
        let haystack = Array(text.utf8)
        let needle = Array(part.utf8)
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    private static func string(_ value: CELValue) throws(ConditionError) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .uint(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .ipaddress(let bytes): return CELNetwork.text(bytes)
        default: throw ConditionError(.evaluation, "no such overload: string(\(value.typeName))")
        }
    }
}

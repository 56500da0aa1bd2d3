import Foundation

/// A tuple's expiry as people and files write it: `expires_at` in RFC 3339 (`2026-12-31T00:00:00Z`, fractional
/// seconds and offsets allowed), printed back in UTC with milliseconds; the CLI's `--expires-in` as a duration
/// (`30d`, `12h`, `90m`, `45s`).
public enum TupleExpiry {
    /// Milliseconds since 1970, or nil when `text` is not an RFC 3339 timestamp at or after 1970.
    public static func parse(_ text: String) -> UInt64? {
        let styles = [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()]
        for style in styles {
            if let date = try? Date(text, strategy: style), date.timeIntervalSince1970 >= 0,
                date.timeIntervalSince1970 < 253_402_300_800  // year 10000
            {
                return UInt64((date.timeIntervalSince1970 * 1000).rounded(.down))
            }
        }
        return nil
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-31T00:00:00.000Z`.
    public static func format(_ milliseconds: UInt64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// A duration of a whole number of days, hours, minutes or seconds (`30d`, `12h`, `90m`, `45s`), in
    /// milliseconds; nil for anything else, zero, or more than 100 years.
    public static func duration(_ text: String) -> UInt64? {
        guard let unit = text.utf8.last, let count = UInt64(text.dropLast()), count > 0 else { return nil }
        let scale: UInt64
        switch unit {
        case UInt8(ascii: "d"): scale = 86_400_000
        case UInt8(ascii: "h"): scale = 3_600_000
        case UInt8(ascii: "m"): scale = 60_000
        case UInt8(ascii: "s"): scale = 1_000
        default: return nil
        }
        let (milliseconds, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow, milliseconds <= 100 * 365 * 86_400_000 else { return nil }
        return milliseconds
    }
}

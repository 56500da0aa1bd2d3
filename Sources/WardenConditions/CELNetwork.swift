import Foundation
import WardenModel

/// IPv4 and IPv6 addresses and CIDR ranges, for OpenFGA's `ipaddress` type and `in_cidr`, as OpenFGA answers:
/// Go's `netip` syntax (no leading zeros in IPv4 octets, IPv6 zones such as `fe80::1%eth0` accepted), with
/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) taken as the IPv4 address they map, in comparisons and in
/// `in_cidr` alike (`192.168.0.1` is in `::ffff:192.168.0.0/120`). A zoned address is in no CIDR range.
///
/// An address is 4 bytes (IPv4), 16 (IPv6), or 16 followed by the UTF-8 bytes of its zone.
enum CELNetwork {
    /// The bytes of an address (IPv4-mapped IPv6 unmapped to IPv4), or nil.
    static func address<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        if let v4 = dottedQuad(text.utf8) { return v4 }
        let whole = String(text)
        if let (host, zone) = whole.splitOnce(at: UInt8(ascii: "%")) {
            guard !zone.isEmpty, let bytes = systemAddress(host), bytes.count == 16 else { return nil }
            return bytes + Array(zone.utf8)
        }
        guard let bytes = systemAddress(whole) else { return nil }
        return unmapped(bytes)
    }

    /// `::ffff:a.b.c.d` as `a.b.c.d`; anything else unchanged.
    static func unmapped(_ bytes: [UInt8]) -> [UInt8] {
        guard isMapped(bytes) else { return bytes }
        return Array(bytes[12...])
    }

    private static func isMapped(_ bytes: [UInt8]) -> Bool {
        bytes.count == 16 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
    }

    /// Dotted-quad IPv4 read straight from UTF-8 (no C string), the common case; nil for anything else.
    private static func dottedQuad<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8]? {
        var octets: [UInt8] = []
        octets.reserveCapacity(4)
        var value = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets.count < 3 else { return nil }
                octets.append(UInt8(value))
                value = 0
                digits = 0
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                guard !(digits == 1 && value == 0) else { return nil }  // Go refuses leading zeros ("01")
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets.count == 3 else { return nil }
        octets.append(UInt8(value))
        return octets
    }

    private static func systemAddress(_ text: String) -> [UInt8]? {
        if text.utf8.contains(0) { return nil }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let host = Array(bytes.prefix(16))
        _ = host.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        let zone = bytes.count > 16 ? "%" + String(decoding: bytes[16...], as: UTF8.self) : ""
        return String(cString: buffer) + zone
    }

    /// Whether `address` lies in `cidr` (`10.0.0.0/8`, `2001:db8::/32`); addresses of the other family do not.
    static func contains(cidr: String, _ address: [UInt8]) throws(ConditionError) -> Bool {
        func malformed() -> ConditionError { ConditionError(.evaluation, "'\(cidr)' is a malformed CIDR string") }
        guard let (host, bitsText) = cidr.splitOnce(at: UInt8(ascii: "/")), !host.utf8.contains(UInt8(ascii: "%")),
            let parsed = dottedQuad(host.utf8) ?? systemAddress(host), !bitsText.isEmpty,
            bitsText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            bitsText == "0" || !bitsText.hasPrefix("0"), var bits = Int(bitsText), bits <= parsed.count * 8
        else { throw malformed() }
        var network = parsed
        if isMapped(parsed), bits >= 96 {
            network = unmapped(parsed)
            bits -= 96
        }
        guard network.count == address.count else { return false }
        var remaining = bits
        for index in 0..<network.count where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if network[index] & mask != address[index] & mask { return false }
            remaining -= 8
        }
        return true
    }
}

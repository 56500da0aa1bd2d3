import Foundation

/// IPv4 and IPv6 addresses and CIDR ranges, for OpenFGA's `ipaddress` type and `in_cidr`.
enum CELNetwork {
    /// The 4 or 16 bytes of an address, or nil.
    static func address<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        if let v4 = dottedQuad(text.utf8) { return v4 }
        return systemAddress(String(text))
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
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(cString: buffer)
    }

    /// Whether `address` lies in `cidr` (`10.0.0.0/8`, `2001:db8::/32`); addresses of the other family do not.
    static func contains(cidr: String, _ address: [UInt8]) throws(ConditionError) -> Bool {
        guard let slash = cidr.firstIndex(of: "/"), let network = self.address(cidr[..<slash]),
            let bits = Int(cidr[cidr.index(after: slash)...]), bits >= 0, bits <= network.count * 8
        else {
            throw ConditionError(.evaluation, "'\(cidr)' is not a CIDR range")
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

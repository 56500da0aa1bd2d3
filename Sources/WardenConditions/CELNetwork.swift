import Foundation

/// IPv4 and IPv6 addresses and CIDR ranges, for OpenFGA's `ipaddress` type and `in_cidr`.
enum CELNetwork {
    /// The 4 or 16 bytes of an address, or nil.
    static func address(_ text: String) -> [UInt8]? {
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
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let network = self.address(String(parts[0])), let bits = Int(parts[1]),
            bits >= 0, bits <= network.count * 8
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

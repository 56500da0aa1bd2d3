/// Numbers in a request's context converted as OpenFGA converts them for `int`, `uint` and `double` parameters.
///
/// OpenFGA receives JSON numbers as float64 (protobuf's `Struct`) and parses numeric strings with Go's
/// `big.ParseFloat(s, 10, 64)`; then an `int` must be integral and saturates at the int64 range (`"1e300"` is
/// int64's maximum, so `i < 100` is simply false), a `uint` must also be non-negative and saturates at the same
/// int64 maximum, and a `double` from a string must be exactly representable (`"0.5"` converts, `"0.1"` does not;
/// `"Inf"` does).
struct GoNumber: Equatable {
    var negative: Bool
    /// Significant decimal digits (0-9), no leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// The value is digits × 10^exponent.
    var exponent: Int
    var isInfinity: Bool

    /// Go's `big.ParseFloat(text, 10, …)` syntax: an optional sign, then `Inf`/`inf`, or digits with an optional
    /// fraction and an optional `e`/`E` exponent. No spaces, underscores, hex or `NaN`.
    init?(parsing text: String) {
        var bytes = Array(text.utf8)[...]
        negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        if bytes.elementsEqual("Inf".utf8) || bytes.elementsEqual("inf".utf8) {
            digits = []
            exponent = 0
            isInfinity = true
            return
        }
        isInfinity = false
        var mantissa: [UInt8] = []
        var scale = 0
        var sawDigit = false
        var sawPoint = false
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                guard !sawPoint else { return nil }
                sawPoint = true
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                sawDigit = true
                if !(mantissa.isEmpty && byte == UInt8(ascii: "0")) { mantissa.append(byte - UInt8(ascii: "0")) }
                if sawPoint { scale -= 1 }
            } else {
                return nil
            }
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if !bytes.isEmpty {
            bytes = bytes.dropFirst()
            var sign = 1
            if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                sign = first == UInt8(ascii: "-") ? -1 : 1
                bytes = bytes.dropFirst()
            }
            guard !bytes.isEmpty else { return nil }
            for byte in bytes {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                exponent = min(exponent * 10 + Int(byte - UInt8(ascii: "0")), 1_000_000)
            }
            exponent *= sign
        }
        while mantissa.last == 0 {
            mantissa.removeLast()
            scale += 1
        }
        digits = mantissa
        self.exponent = mantissa.isEmpty ? 0 : exponent + scale
    }

    /// A float64 (a JSON number as OpenFGA holds it), exactly.
    init(_ value: Double) {
        if value.isInfinite {
            self.init(negative: value < 0, digits: [], exponent: 0, isInfinity: true)
            return
        }
        // Every finite double is a finite decimal; Swift's description is the shortest that reads back the
        // same double, which is all the integer conversions below need (they ask "integral?" and "how large?").
        self.init(parsing: "\(value.magnitude)")!
        negative = value < 0 || (value == 0 && value.sign == .minus)
    }

    private init(negative: Bool, digits: [UInt8], exponent: Int, isInfinity: Bool) {
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
        self.isInfinity = isInfinity
    }

    var isInteger: Bool { !isInfinity && (digits.isEmpty || exponent >= 0) }

    /// Go's `big.Float.Int64()`: the integer, saturated at the int64 range. Only for integral values.
    var saturatedInt64: Int64 {
        if digits.isEmpty { return 0 }
        guard digits.count + exponent <= 19 else { return negative ? .min : .max }
        var magnitude: UInt64 = 0
        for digit in digits + Array(repeating: 0, count: exponent) {
            magnitude = magnitude * 10 + UInt64(digit)
        }
        if negative { return magnitude > UInt64(Int64.max) + 1 ? .min : Int64(truncatingIfNeeded: 0 &- magnitude) }
        return magnitude > UInt64(Int64.max) ? .max : Int64(magnitude)
    }

    /// The double this number is exactly, or nil when no float64 holds it exactly (or it overflows).
    var exactDouble: Double? {
        if isInfinity { return negative ? -.infinity : .infinity }
        if digits.isEmpty { return negative ? -0.0 : 0.0 }
        guard exponent >= -800, exponent <= 400 else { return nil }
        var value = SmallBigUInt(digits: digits)
        var binaryExponent = 0
        if exponent >= 0 {
            for _ in 0..<exponent { value.multiply(by: 5) }
            binaryExponent = exponent
        } else {
            for _ in 0..<(-exponent) {
                guard value.divide(by: 5) == 0 else { return nil }
            }
            binaryExponent = exponent
        }
        let trailing = value.trailingZeroBitCount
        let significantBits = value.bitWidth - trailing
        let lowest = binaryExponent + trailing
        let highest = binaryExponent + value.bitWidth - 1
        guard significantBits <= 53, lowest >= -1074, highest <= 1023 else { return nil }
        let text = (negative ? "-" : "") + digits.map(String.init).joined() + "e\(exponent)"
        return Double(text)
    }
}

/// The little arbitrary-precision arithmetic `GoNumber.exactDouble` needs: multiply and divide by a small
/// number, and count bits. Limbs are base 2^32, least significant first.
struct SmallBigUInt {
    private(set) var limbs: [UInt32]

    init(digits: [UInt8]) {
        limbs = [0]
        for digit in digits {
            multiply(by: 10)
            add(UInt32(digit))
        }
    }

    mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry > 0 { limbs.append(UInt32(carry)) }
    }

    mutating func add(_ value: UInt32) {
        var carry = UInt64(value)
        var index = 0
        while carry > 0 {
            if index == limbs.count { limbs.append(0) }
            let sum = UInt64(limbs[index]) + carry
            limbs[index] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
            index += 1
        }
    }

    /// Divides in place and returns the remainder.
    mutating func divide(by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let current = (remainder << 32) | UInt64(limbs[index])
            limbs[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        while limbs.count > 1, limbs.last == 0 { limbs.removeLast() }
        return UInt32(remainder)
    }

    var bitWidth: Int {
        guard let top = limbs.last, top != 0 || limbs.count > 1 else { return 0 }
        return (limbs.count - 1) * 32 + (32 - top.leadingZeroBitCount)
    }

    var trailingZeroBitCount: Int {
        for (index, limb) in limbs.enumerated() where limb != 0 { return index * 32 + limb.trailingZeroBitCount }
        return 0
    }
}

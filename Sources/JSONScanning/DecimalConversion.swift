import Foundation

/// Decimal text to the nearest `Double`, exactly as `strtod` rounds it (round half to even), without `strtod` for
/// the numbers data files are made of. Package-internal.
///
/// A JSON number `±d₁d₂…dₙ × 10^e` with at most 19 significant digits (so `w = d₁…dₙ < 2⁶⁴`) and `|e| ≤ 27`
/// (so `5^|e| < 2⁶³`) is converted with integer arithmetic only:
/// - `e ≥ 0`: `w · 5^e` is an exact 128-bit product, scaled by `2^e`;
/// - `e < 0`: `w · 2^p / 5^|e|` is divided in 128 bits to a quotient of 63 or 64 bits and a remainder, scaled by
///   `2^(−p−|e|)`;
/// and the exact integer (plus a sticky bit for anything non-zero below it) is rounded to 53 bits once. Python's
/// `json.dumps` writes 17 significant digits and exponents from about −17 up, so coordinates and scores always
/// take this path; anything else (more digits, larger exponents, subnormals) goes to `strtod`, the reference the
/// tests compare against.
package enum DecimalConversion {
    /// `5⁰ … 5²⁷`.
    private static let powersOfFive: [UInt64] = {
        var p: [UInt64] = [1]
        for _ in 1...27 { p.append(p[p.count - 1] * 5) }
        return p
    }()

    /// The largest `|e|` the integer path takes.
    static let maximumExponent = 27

    /// `±significand × 10^exponent` rounded to the nearest `Double`, or nil when outside the integer path.
    package static func exact(significand w: UInt64, exponent e: Int, negative: Bool) -> Double? {
        guard e >= -maximumExponent, e <= maximumExponent else { return nil }
        let magnitude: Double
        if w == 0 {
            magnitude = 0
        } else if e >= 0 {
            let (high, low) = w.multipliedFullWidth(by: powersOfFive[e])
            magnitude = rounded(high: high, low: low, exponent: e)
        } else {
            let divisor = powersOfFive[-e]
            let shift = w.leadingZeroBitCount
            let normal = w << shift
            // p = bits(divisor) − 1, so that normal·2^p / divisor < 2⁶⁴ (its high word is below 2^p ≤ divisor) and
            // ≥ 2⁶² (at least 63 bits of quotient).
            let p = 63 - divisor.leadingZeroBitCount
            let (quotient, remainder) = divisor.dividingFullWidth((normal >> (64 - p), normal << p))
            magnitude = rounded(quotient, sticky: remainder != 0, exponent: -shift - p + e)
        }
        return negative ? -magnitude : magnitude
    }

    /// `(high · 2⁶⁴ + low) · 2^exponent`, not zero, rounded to 53 bits.
    private static func rounded(high: UInt64, low: UInt64, exponent: Int) -> Double {
        guard high != 0 else { return rounded(low, sticky: false, exponent: exponent) }
        let shift = high.leadingZeroBitCount
        let top = shift == 0 ? high : high << shift | low >> (64 - shift)
        return rounded(top, sticky: low << shift != 0, exponent: exponent + 64 - shift)
    }

    /// `(value + f) · 2^exponent` rounded to 53 bits, where `0 ≤ f < 1` is non-zero exactly when `sticky`;
    /// `value` is not zero.
    private static func rounded(_ value: UInt64, sticky: Bool, exponent: Int) -> Double {
        let shift = value.leadingZeroBitCount
        let normal = value << shift
        var mantissa = normal >> 11
        let rest = normal & 0x7FF
        var power = exponent - shift + 11
        if rest > 0x400 || (rest == 0x400 && (sticky || mantissa & 1 == 1)) {
            mantissa += 1
            if mantissa == 1 << 53 {
                mantissa >>= 1
                power += 1
            }
        }
        // mantissa · 2^power with 2⁵² ≤ mantissa < 2⁵³: the biased exponent is power + 52 + 1023, normal for every
        // number the integer path takes (10⁻²⁷ … 2⁶⁴·10²⁷).
        return Double(bitPattern: UInt64(power + 1075) << 52 | mantissa & (1 << 52 - 1))
    }

    /// The number whose text starts at `text` (a valid JSON number followed by a byte that cannot continue it).
    package static func double(_ text: UnsafePointer<UInt8>) -> Double {
        var at = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { at += 1 }
        var significand: UInt64 = 0, digits = 0, exponent = 0
        while case let c = text[at], c >= 0x30, c <= 0x39 {
            if digits > 0 || c != 0x30 {
                if digits < 19 { significand = significand &* 10 &+ UInt64(c &- 0x30) } else { exponent += 1 }
                digits += 1
            }
            at += 1
        }
        if text[at] == UInt8(ascii: ".") {
            at += 1
            while case let c = text[at], c >= 0x30, c <= 0x39 {
                if digits > 0 || c != 0x30 {
                    if digits < 19 { significand = significand &* 10 &+ UInt64(c &- 0x30); exponent -= 1 }
                    digits += 1
                } else {
                    exponent -= 1
                }
                at += 1
            }
        }
        if text[at] == UInt8(ascii: "e") || text[at] == UInt8(ascii: "E") {
            at += 1
            let minus = text[at] == UInt8(ascii: "-")
            if minus || text[at] == UInt8(ascii: "+") { at += 1 }
            var written = 0
            while case let c = text[at], c >= 0x30, c <= 0x39 {
                if written < 100_000 { written = written * 10 + Int(c - 0x30) }
                at += 1
            }
            exponent += minus ? -written : written
        }
        if digits <= 19, let value = exact(significand: significand, exponent: exponent, negative: negative) {
            return value
        }
        return text.withMemoryRebound(to: CChar.self, capacity: at + 1) { strtod($0, nil) }
    }
}

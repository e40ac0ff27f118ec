import Foundation

/// Decimal text to the nearest `Double`, exactly as `strtod` rounds it (round half to even), without `strtod` for
/// the numbers data files are made of. Package-internal.
///
/// A JSON number `±d₁d₂…dₙ × 10^e` with at most 19 significant digits (so `w = d₁…dₙ < 2⁶⁴`) and `|e| ≤ 27`
/// (so `5^|e| < 2⁶³`) is converted exactly: with one floating-point operation when `w ≤ 2⁵³` and `|e| ≤ 22`
/// (Clinger's fast path: `w` and `10^|e|` are exact doubles), else with integer arithmetic only:
/// - `e ≥ 0`: `w · 5^e` is an exact 128-bit product, scaled by `2^e`;
/// - `e < 0`: `w · 2^p / 5^|e|` is divided in 128 bits to a quotient of 63 or 64 bits and a remainder, scaled by
///   `2^(−p−|e|)`;
/// and the exact integer (plus a sticky bit for anything non-zero below it) is rounded to 53 bits once. Python's
/// `json.dumps` writes 17 significant digits and exponents from about −17 up, so coordinates and scores always
/// take this path; anything else (more digits, larger exponents, subnormals) goes to `strtod`, the reference the
/// tests compare against.
package enum DecimalConversion {
    /// `5⁰ … 5²⁷` (literals, so that reading them costs no lazy-initialisation check).
    private static let powersOfFive: [UInt64] = [
        1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125, 9765625, 48828125, 244140625, 1220703125, 6103515625,
        30517578125, 152587890625, 762939453125, 3814697265625, 19073486328125, 95367431640625, 476837158203125,
        2384185791015625, 11920928955078125, 59604644775390625, 298023223876953125, 1490116119384765625,
        7450580596923828125,
    ]

    /// `⌈2^(127 + b) / 5^k⌉` for `k` = 1 … 27, `b` the bit length of `5^k`, as (high, low) words: `5^−k` scaled to
    /// 128 bits with the top bit set (literals, generated with Python's integers).
    private static let reciprocalsOfFive: [(UInt64, UInt64)] = [
        (0xCCCCCCCCCCCCCCCC, 0xCCCCCCCCCCCCCCCD), (0xA3D70A3D70A3D70A, 0x3D70A3D70A3D70A4),
        (0x83126E978D4FDF3B, 0x645A1CAC083126EA), (0xD1B71758E219652B, 0xD3C36113404EA4A9),
        (0xA7C5AC471B478423, 0x0FCF80DC33721D54), (0x8637BD05AF6C69B5, 0xA63F9A49C2C1B110),
        (0xD6BF94D5E57A42BC, 0x3D32907604691B4D), (0xABCC77118461CEFC, 0xFDC20D2B36BA7C3E),
        (0x89705F4136B4A597, 0x31680A88F8953031), (0xDBE6FECEBDEDD5BE, 0xB573440E5A884D1C),
        (0xAFEBFF0BCB24AAFE, 0xF78F69A51539D749), (0x8CBCCC096F5088CB, 0xF93F87B7442E45D4),
        (0xE12E13424BB40E13, 0x2865A5F206B06FBA), (0xB424DC35095CD80F, 0x538484C19EF38C95),
        (0x901D7CF73AB0ACD9, 0x0F9D37014BF60A11), (0xE69594BEC44DE15B, 0x4C2EBE687989A9B4),
        (0xB877AA3236A4B449, 0x09BEFEB9FAD487C3), (0x9392EE8E921D5D07, 0x3AFF322E62439FD0),
        (0xEC1E4A7DB69561A5, 0x2B31E9E3D06C32E6), (0xBCE5086492111AEA, 0x88F4BB1CA6BCF585),
        (0x971DA05074DA7BEE, 0xD3F6FC16EBCA5E04), (0xF1C90080BAF72CB1, 0x5324C68B12DD6339),
        (0xC16D9A0095928A27, 0x75B7053C0F178294), (0x9ABE14CD44753B52, 0xC4926A9672793543),
        (0xF79687AED3EEC551, 0x3A83DDBD83F52205), (0xC612062576589DDA, 0x95364AFE032A819E),
        (0x9E74D1B791E07E48, 0x775EA264CF55347E),
    ]

    /// `10⁰ … 10²²`, each exact in a `Double`.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
        1e21, 1e22,
    ]

    /// The largest `|e|` the integer path takes.
    static let maximumExponent = 27

    /// `±significand × 10^exponent` rounded to the nearest `Double`, or nil when outside the integer path.
    package static func exact(significand w: UInt64, exponent e: Int, negative: Bool) -> Double? {
        guard e >= -maximumExponent, e <= maximumExponent else { return nil }
        let magnitude: Double
        if w == 0 {
            magnitude = 0
        } else if w <= 1 << 53 && e >= -22 && e <= 22 {
            // Clinger's fast path: both operands exact, so one correctly rounded operation.
            magnitude = e >= 0 ? Double(w) * powersOfTen[e] : Double(w) / powersOfTen[-e]
        } else if e >= 0 {
            let (high, low) = w.multipliedFullWidth(by: powersOfFive[e])
            magnitude = rounded(high: high, low: low, exponent: e)
        } else if let value = reciprocal(w, -e) {
            magnitude = value
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

    /// `w · 5^−k · 2^−k` through the 128-bit reciprocal of `5^k` instead of a division: the 192-bit product
    /// `w' · ⌈2^(127+b)/5^k⌉` (`w'` = `w` shifted to its top bit) exceeds the exact `X = w' · 2^(127+b)/5^k` by less
    /// than `w' < 2⁶⁴`. When the product's lower 128 bits are at least `w'`, its top word is `X`'s and `X` lies
    /// strictly above it (a sticky bit). Otherwise nil, and the division decides: that is always the case when `X` is
    /// a whole multiple of 2¹²⁸ (`5^k` divides `w`), the only case where a tie to even can arise.
    private static func reciprocal(_ w: UInt64, _ k: Int) -> Double? {
        let (high, low) = reciprocalsOfFive[k - 1]
        let shift = w.leadingZeroBitCount
        let normal = w << shift
        let (h1, l1) = normal.multipliedFullWidth(by: high)
        let (h2, l2) = normal.multipliedFullWidth(by: low)
        let (middle, carry) = l1.addingReportingOverflow(h2)
        let top = h1 &+ (carry ? 1 : 0)
        guard middle != 0 || l2 >= normal else { return nil }
        return rounded(top, sticky: true, exponent: 1 - (64 - powersOfFive[k].leadingZeroBitCount) - shift - k)
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

    /// What ``scan(_:from:limit:convert:)`` found: where the number ends, what is wrong with it (nil when it is
    /// valid), and its value when asked for.
    package struct Scanned {
        package var end: Int
        package var problem: StaticString?
        package var value: Double
    }

    /// Scans the JSON number at `p[start]` in its grammar, `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`,
    /// and, when `convert`, converts it in the same pass. `limit` bytes are readable from `p`, the last of which
    /// cannot continue a number (a JSON scanner's final 0), so every loop stops inside them. Eight digits at a time
    /// while eight bytes remain (the SWAR test and conversion of Lemire's fast_float).
    @inline(__always)
    package static func scan(_ p: UnsafePointer<UInt8>, from start: Int, limit: Int, convert: Bool) -> Scanned {
        var at = start
        let negative = p[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        guard isDigit(p[at]) else { return Scanned(end: at, problem: "invalid value", value: 0) }
        var significand: UInt64 = 0, digits = 0, exponent = 0
        if p[at] == UInt8(ascii: "0") {
            at += 1
        } else {
            _ = digitRun(p, &at, limit, &significand, &digits)
        }
        if p[at] == UInt8(ascii: ".") {
            at += 1
            guard isDigit(p[at]) else { return Scanned(end: at, problem: "invalid number", value: 0) }
            var skipped = 0
            if significand == 0 {
                // Leading zeros of a fraction below 1 are not significant digits.
                while p[at] == UInt8(ascii: "0") {
                    at += 1
                    skipped += 1
                }
            }
            exponent -= skipped + digitRun(p, &at, limit, &significand, &digits)
        }
        if p[at] == UInt8(ascii: "e") || p[at] == UInt8(ascii: "E") {
            at += 1
            let minus = p[at] == UInt8(ascii: "-")
            if minus || p[at] == UInt8(ascii: "+") { at += 1 }
            guard isDigit(p[at]) else { return Scanned(end: at, problem: "invalid number", value: 0) }
            var written = 0
            while isDigit(p[at]) {
                if written < 100_000 { written = written * 10 + Int(p[at] - 0x30) }
                at += 1
            }
            exponent += minus ? -written : written
        }
        guard convert else { return Scanned(end: at, problem: nil, value: 0) }
        if digits <= 19, let value = exact(significand: significand, exponent: exponent, negative: negative) {
            return Scanned(end: at, problem: nil, value: value)
        }
        let value = (p + start).withMemoryRebound(to: CChar.self, capacity: at - start + 1) { strtod($0, nil) }
        return Scanned(end: at, problem: nil, value: value)
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Reads the digits at `p[at]`, adding them to `significand` while `digits` (the significant digits so far)
    /// stays within 19; past that the number goes to `strtod`, so the rest only need counting. Returns how many
    /// digits it read.
    @inline(__always)
    private static func digitRun(
        _ p: UnsafePointer<UInt8>, _ at: inout Int, _ limit: Int, _ significand: inout UInt64, _ digits: inout Int
    ) -> Int {
        let begin = at
        while at + 8 <= limit {
            let chunk = UInt64(littleEndian: UnsafeRawPointer(p + at).loadUnaligned(as: UInt64.self))
            // Eight ASCII digits: each byte's high nibble 3, and adding 6 does not carry into it.
            guard (chunk & 0xF0F0_F0F0_F0F0_F0F0) | (((chunk &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
                == 0x3333_3333_3333_3333
            else { break }
            if digits + 8 <= 19 {
                var v = chunk &- 0x3030_3030_3030_3030
                v = v &* 10 &+ (v >> 8)
                v = ((v & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
                    &+ ((v >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) >> 32
                significand = significand &* 100_000_000 &+ (v & 0xFFFF_FFFF)
            }
            digits += 8
            at += 8
        }
        while isDigit(p[at]) {
            if digits < 19 { significand = significand &* 10 &+ UInt64(p[at] &- 0x30) }
            digits += 1
            at += 1
        }
        return at - begin
    }
}

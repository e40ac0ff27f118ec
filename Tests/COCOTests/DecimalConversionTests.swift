import DetectKitUtilities
import Foundation
@testable import JSONScanning
import Testing

/// The integer path of number reading against `strtod`, its reference, on the numbers data files hold (Python's
/// 17 significant digits, short decimals, integers, exponents) and on the hard cases of decimal conversion
/// (halfway points between doubles, 2⁵³ ± 1, the exponent limits of the path).
@Suite struct DecimalConversionTests {
    static func viaStrtod(_ text: String) -> Double { strtod(text, nil) }

    static func converted(_ text: String) -> Double {
        let bytes = Array(text.utf8) + [0]
        return bytes.withUnsafeBufferPointer { DecimalConversion.scan($0.baseAddress!, from: 0, limit: $0.count, convert: true).value }
    }

    @Test func hardCasesEqualStrtod() {
        let cases = [
            "0", "-0", "0.0", "1", "-1", "0.1", "0.2", "0.3", "1e23", "8.98846567431158e307", "9007199254740993",
            "9007199254740992", "9007199254740991", "18446744073709551615", "18446744073709551616", "1.7976931348623157e308",
            "2.2250738585072014e-308", "4.9e-324", "5e-324", "1e-27", "1e27", "1e-28", "1e28", "123456789012345678e-27",
            "9999999999999999999", "0.000000000000000000000000001", "1234567890123456789012345", "7.0e-10", "2.5", "3.5",
            "0.5", "1.5e0", "1E5", "1e+5", "-1.25E-3", "4503599627370497.5", "4503599627370496.5", "2.0000000000000004",
            "2.0000000000000002", "2.0000000000000003", "0.30000000000000004", "123.45678901234567", "100000000000000000000",
            // Exact ties reached through a division by 5^k (the reciprocal path must leave them to the division).
            "45035996273704965e-1", "4503599627370496.5", "4503599627370497.5", "90071992547409925e-2", "0.9007199254740993e1",
        ]
        for text in cases {
            #expect(Self.converted(text).bitPattern == Self.viaStrtod(text).bitPattern, "\(text)")
        }
    }

    @Test(arguments: 0..<20)
    func randomNumbersEqualStrtod(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            let text: String
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                // Python's repr of a random double: 17 significant digits or fewer.
                let v = Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &rng))
                text = "\(v)"
            case 1:
                text = "\(Double.random(in: -1000...1000, using: &rng))"
            case 2:
                // Random digit strings with a decimal point and an exponent near the integer path's limits.
                let digits = (0..<Int.random(in: 1...22, using: &rng)).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
                let point = Int.random(in: 0...digits.count, using: &rng)
                // JSON's grammar: no leading zeros in the integer part.
                var whole = String(digits.prefix(point).drop { $0 == "0" })
                if whole.isEmpty { whole = "0" }
                let mantissa = point == digits.count ? whole : whole + "." + digits.dropFirst(point)
                text = (Bool.random(using: &rng) ? "-" : "") + mantissa + "e" + String(Int.random(in: -40...40, using: &rng))
            default:
                // Near halfway points: about the midpoint between a double and the next, in up to 38 digits.
                let v = Double.random(in: 1...1e6, using: &rng)
                let mid = (Decimal(v) + Decimal(v.nextUp)) / 2
                text = "\(mid)"
            }
            #expect(Self.converted(text).bitPattern == Self.viaStrtod(text).bitPattern, "\(text)")
        }
    }
}

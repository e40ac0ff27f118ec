import Foundation

/// `eˣ` in plain IEEE arithmetic: the scalar reference ``of(_:)`` and the same operations on four values at once
/// (``of(_:)-(SIMD4<Double>)``), bit-identical to each other and the same on every platform, so that ProbIoU can take
/// four pairs at once without a call into libm per lane.
///
/// `k = round(x / ln 2)` (ties to even), `r = (x − k·l₁) − k·l₂` with `l₁ + l₂ = ln 2` split so that `k·l₁` is exact,
/// `eʳ` on `|r| ≤ ½ ln 2` by its Taylor series to `r¹³` (truncation below 10⁻¹⁷ relative), then times `2ᵏ` built in
/// the exponent bits. Measured against Foundation's `exp` within 2 ulp (tests). Values outside `[−700, 700]` (and
/// NaN) go to Foundation's `exp` in both versions.
enum Exponential {
    /// The range computed here; `2ᵏ` is a normal number throughout.
    static let reducedRange = 700.0

    private static let inverseLn2 = 1.44269504088896338700e+00
    private static let l1 = 6.93147180369123816490e-01  // ln 2, first 32 bits
    private static let l2 = 1.90821492927058770002e-10  // ln 2 − l1
    /// 1.5 · 2⁵²: added to an integer-valued double, it leaves the integer in the low bits of the result.
    private static let shifter = 6_755_399_441_055_744.0
    private static let taylor: InlineArray<14, Double> = [
        1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40_320, 1.0 / 362_880,
        1.0 / 3_628_800, 1.0 / 39_916_800, 1.0 / 479_001_600, 1.0 / 6_227_020_800,
    ]

    /// `eˣ`: the scalar reference.
    static func of(_ x: Double) -> Double {
        guard x >= -reducedRange, x <= reducedRange else { return Foundation.exp(x) }
        let k = (x * inverseLn2).rounded(.toNearestOrEven)
        let r = (x - k * l1) - k * l2
        var p = taylor[13]
        for i in stride(from: 12, through: 0, by: -1) { p = taylor[i] + r * p }
        return p * Double(bitPattern: ((k + shifter).bitPattern &+ 1023) &<< 52)
    }

    /// ``of(_:)`` of each lane, the same operations in lanes (lanes out of the range by the scalar function).
    static func of(_ x: SIMD4<Double>) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let inRange = (x .>= V(repeating: -reducedRange)) .& (x .<= V(repeating: reducedRange))
        let xr = x.replacing(with: 0, where: .!inRange)
        let k = (xr * inverseLn2).rounded(.toNearestOrEven)
        let r = (xr - k * l1) - k * l2
        var p = V(repeating: taylor[13])
        for i in stride(from: 12, through: 0, by: -1) { p = taylor[i] + r * p }
        let bits = (unsafeBitCast(k + shifter, to: SIMD4<UInt64>.self) &+ 1023) &<< 52
        var out = p * unsafeBitCast(bits, to: V.self)
        if any(.!inRange) {
            for lane in 0..<4 where !inRange[lane] { out[lane] = of(x[lane]) }
        }
        return out
    }
}

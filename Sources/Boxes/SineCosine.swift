import Foundation

/// Sine and cosine of an angle together, in plain IEEE arithmetic: the scalar reference ``of(_:)`` and the same
/// operations on four angles at once (``of(_:)-(SIMD4<Double>)``), bit-identical to each other and the same on
/// every platform (no libm in the way), for preparing many oriented boxes at once.
///
/// The angle is reduced by `π/2` (Cody and Waite): `k = round(x · 2/π)` (ties to even) and
/// `r = ((x − k·p₁) − k·p₂) − k·p₃` with `p₁ + p₂ + p₃ = π/2` split so that `k·p₁` and `k·p₂` are exact for
/// `|k| < 2²⁰`; then `sin r` and `cos r` on `|r| ≤ π/4` by their Taylor series to `r¹⁷` and `r¹⁸` (truncation below
/// 10⁻¹⁹, so the rounding of the Horner sums decides the last bit), and the quadrant `k − 4⌊k/4⌋` picks and signs them.
/// Measured against Foundation's `sin`/`cos`: within 2 ulp, or 10⁻²⁶ absolute next to a multiple of π/2 (the part of
/// π/2 beyond the three parts, ~10⁻³¹, times `k`) (tests). Angles with `|x| > 10⁵` (and non-finite ones) go
/// to Foundation's `sin` and `cos` in both versions.
enum SineCosine {
    /// Beyond this magnitude the reduction above loses bits: Foundation's functions take over.
    static let reducedRange = 1e5

    // π/2 in three parts of 33, 33 and 53 bits (the first two with trailing zero bits, so that k·p is exact).
    private static let p1 = 1.57079632673412561417e+00
    private static let p2 = 6.07710050630396597660e-11
    private static let p3 = 2.02226624871116645580e-21
    private static let twoOverPi = 6.36619772367581382433e-01

    // Taylor coefficients: sin r = r + r³ (s₁ + z (s₂ + …)), cos r = 1 − z/2 + z² (c₁ + z (c₂ + …)), z = r².
    private static let s: InlineArray<8, Double> = [
        -1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362_880, -1.0 / 39_916_800, 1.0 / 6_227_020_800,
        -1.0 / 1_307_674_368_000, 1.0 / 355_687_428_096_000,
    ]
    private static let c: InlineArray<8, Double> = [
        1.0 / 24, -1.0 / 720, 1.0 / 40_320, -1.0 / 3_628_800, 1.0 / 479_001_600, -1.0 / 87_178_291_200,
        1.0 / 20_922_789_888_000, -1.0 / 6_402_373_705_728_000,
    ]

    /// `(sin x, cos x)`: the scalar reference.
    static func of(_ x: Double) -> (sin: Double, cos: Double) {
        guard abs(x) <= reducedRange else { return (Foundation.sin(x), Foundation.cos(x)) }
        let k = (x * twoOverPi).rounded(.toNearestOrEven)
        let r = ((x - k * p1) - k * p2) - k * p3, z = r * r
        var ps = s[7], pc = c[7]
        for i in stride(from: 6, through: 0, by: -1) {
            ps = s[i] + z * ps
            pc = c[i] + z * pc
        }
        let sine = r + r * z * ps, cosine = 1 - (0.5 * z - z * z * pc)
        switch k - 4 * (k * 0.25).rounded(.down) {
        case 0: return (sine, cosine)
        case 1: return (cosine, -sine)
        case 2: return (-sine, -cosine)
        default: return (-cosine, sine)
        }
    }

    /// ``of(_:)`` of each lane, the same operations in lanes (lanes out of the reduced range by the scalar function).
    static func of(_ x: SIMD4<Double>) -> (sin: SIMD4<Double>, cos: SIMD4<Double>) {
        typealias V = SIMD4<Double>
        let inRange = (x .>= V(repeating: -reducedRange)) .& (x .<= V(repeating: reducedRange))
        let xr = x.replacing(with: 0, where: .!inRange)
        let k = (xr * twoOverPi).rounded(.toNearestOrEven)
        let r = ((xr - k * p1) - k * p2) - k * p3, z = r * r
        var ps = V(repeating: s[7]), pc = V(repeating: c[7])
        for i in stride(from: 6, through: 0, by: -1) {
            ps = s[i] + z * ps
            pc = c[i] + z * pc
        }
        let sine = r + r * z * ps, cosine = 1 - (0.5 * z - z * z * pc)
        let quadrant = k - 4 * (k * 0.25).rounded(.down)
        let swap = (quadrant .== 1) .| (quadrant .== 3)
        var sines = sine.replacing(with: cosine, where: swap), cosines = cosine.replacing(with: sine, where: swap)
        sines.replace(with: -sines, where: quadrant .>= 2)
        cosines.replace(with: -cosines, where: (quadrant .== 1) .| (quadrant .== 2))
        if any(.!inRange) {
            for lane in 0..<4 where !inRange[lane] { (sines[lane], cosines[lane]) = of(x[lane]) }
        }
        return (sines, cosines)
    }

    /// `make(box, sin, cos)` of each box's angle, the sines and cosines taken four boxes at a time.
    static func map<T>(_ boxes: [RotatedBox], _ make: (RotatedBox, Double, Double) -> T) -> [T] {
        var out: [T] = []
        out.reserveCapacity(boxes.count)
        for i in stride(from: 0, to: boxes.count, by: 4) {
            let n = min(4, boxes.count - i)
            let angles = SIMD4<Double>(
                Double(boxes[i].angle), Double(boxes[i + min(1, n - 1)].angle),
                Double(boxes[i + min(2, n - 1)].angle), Double(boxes[i + min(3, n - 1)].angle))
            let (sines, cosines) = of(angles)
            for k in 0..<n { out.append(make(boxes[i + k], sines[k], cosines[k])) }
        }
        return out
    }
}

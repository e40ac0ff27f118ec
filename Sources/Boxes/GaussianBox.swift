import Foundation

/// An oriented box as the Gaussian ProbIoU compares, computed once per box: its centre and the covariance
/// `R diag(w²/12, h²/12) Rᵀ = [[a, c], [c, b]]`; ``probIoU(_:_:)`` is the scalar reference of the four-lane
/// ``probIoUs(_:_:)``, bit-identical to it. Both give a pair that ``GaussianReach`` shows to be far apart the value
/// at the clamp straight away (what `batch_probiou`'s formula gives such pairs too: tested). The logarithm is never
/// taken: `e^(−B) = e^(−(t₁ + t₂)) / √(D / (4√(det₁ det₂) + ε) + ε)`, clamped to `[e^(−100), e^(−ε)]` (the clamp of
/// `B` to `[ε, 100]`), one exponential (`Exponential`, in lanes) and one square root a pair.
struct GaussianBox {
    var a: Double, b: Double, c: Double
    /// The centre and the angle-free bounds of the far test.
    var reach: GaussianReach
    /// The centre.
    var x: Double { reach.x }
    var y: Double { reach.y }

    init(_ r: RotatedBox) {
        let (sine, cosine) = SineCosine.of(Double(r.angle))
        self.init(r, sine: sine, cosine: cosine)
    }

    /// The Gaussian of `r` whose angle's sine and cosine are given.
    init(_ r: RotatedBox, sine: Double, cosine: Double) {
        let a = Double(r.width) * Double(r.width) / 12, b = Double(r.height) * Double(r.height) / 12
        let cos2 = cosine * cosine, sin2 = sine * sine
        (self.a, self.b, self.c) = (a * cos2 + b * sin2, a * sin2 + b * cos2, (a - b) * cosine * sine)
        reach = GaussianReach(r)
    }

    /// `boxes` prepared, their angles' sines and cosines four at a time (the same values as ``init(_:)``'s).
    static func prepare(_ boxes: [RotatedBox]) -> [GaussianBox] {
        SineCosine.map(boxes) { GaussianBox($0, sine: $1, cosine: $2) }
    }

    /// ε of Ultralytics' `batch_probiou`.
    static let eps = 1e-7

    /// A bound on the distance terms `t₁ + t₂` beyond which the pair's value is that of `B` clamped at 100 without
    /// computing the rest: when `D > 0` the square root's argument exceeds ε (`t₃ > ½ ln ε ≈ −8.06`), so
    /// `e^(−B) < e^(−110) / √ε < e^(−100)`.
    static let farApart = 110.0
    /// `e^(−B)` at the clamp's ends, `B` = 100 and `B` = ε.
    static let farExp = exp(-100.0), nearExp = exp(-eps)
    /// ProbIoU at `B` = 100 (slightly below 0, as in `batch_probiou`).
    static let farValue = 1 - (1 - farExp + eps).squareRoot()

    /// ProbIoU of two boxes (the formula in `RotatedOverlap.probIoU`'s doc comment).
    static func probIoU(_ one: GaussianBox, _ two: GaussianBox) -> Double {
        if GaussianReach.farApart(one.reach, two.reach) { return farValue }
        let eps = Self.eps
        let sa = one.a + two.a, sb = one.b + two.b, sc = one.c + two.c
        let dx = one.x - two.x, dy = one.y - two.y
        let d = sa * sb - sc * sc
        let t1 = (sa * dy * dy + sb * dx * dx) / (d + eps) * 0.25
        let t2 = (sc * -dx * dy) / (d + eps) * 0.5
        if d > 0, t1 + t2 > farApart { return farValue }
        let det1 = one.a * one.b - one.c * one.c, det2 = two.a * two.b - two.c * two.c
        let product = (det1 > 0 ? det1 : 0) * (det2 > 0 ? det2 : 0)
        let ratio = d / (4 * product.squareRoot() + eps) + eps
        let e = Exponential.of(-(t1 + t2)) / ratio.squareRoot()
        let clamped = e > nearExp ? nearExp : (e < farExp ? farExp : e)
        return 1 - (1 - clamped + eps).squareRoot()
    }

    /// ``probIoU(_:_:)`` of `one[i]` and `two[i]` in each lane: the same operations on four lanes at once.
    static func probIoUs(_ one: InlineArray<4, GaussianBox>, _ two: InlineArray<4, GaussianBox>) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        func lanes(_ g: InlineArray<4, GaussianBox>, _ value: (GaussianBox) -> Double) -> V {
            V(value(g[0]), value(g[1]), value(g[2]), value(g[3]))
        }
        let eps = V(repeating: Self.eps)
        let a1 = lanes(one, \.a), b1 = lanes(one, \.b), c1 = lanes(one, \.c)
        let a2 = lanes(two, \.a), b2 = lanes(two, \.b), c2 = lanes(two, \.c)
        let sa = a1 + a2, sb = b1 + b2, sc = c1 + c2
        let dx = lanes(one, \.x) - lanes(two, \.x), dy = lanes(one, \.y) - lanes(two, \.y)
        let d = sa * sb - sc * sc
        let t1 = (sa * dy * dy + sb * dx * dx) / (d + eps) * 0.25
        let t2 = (sc * -dx * dy) / (d + eps) * 0.5
        let reached: SIMDMask<SIMD4<Int64>> = [
            GaussianReach.farApart(one[0].reach, two[0].reach), GaussianReach.farApart(one[1].reach, two[1].reach),
            GaussianReach.farApart(one[2].reach, two[2].reach), GaussianReach.farApart(one[3].reach, two[3].reach),
        ]
        let far = reached .| ((d .> 0) .& (t1 + t2 .> V(repeating: farApart)))
        if all(far) { return V(repeating: farValue) }
        let det1 = a1 * b1 - c1 * c1, det2 = a2 * b2 - c2 * c2
        let product = det1.replacing(with: 0, where: .!(det1 .> 0)) * det2.replacing(with: 0, where: .!(det2 .> 0))
        let ratio = d / (4 * product.squareRoot() + eps) + eps
        let e = Exponential.of(-(t1 + t2)) / ratio.squareRoot()
        let clamped = e.replacing(with: Self.nearExp, where: e .> Self.nearExp).replacing(with: Self.farExp, where: e .< Self.farExp)
        return (1 - (1 - clamped + eps).squareRoot()).replacing(with: farValue, where: far)
    }
}

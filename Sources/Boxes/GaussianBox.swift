import Foundation

/// An oriented box as the Gaussian ProbIoU compares, computed once per box: its centre and the covariance
/// `R diag(w²/12, h²/12) Rᵀ = [[a, c], [c, b]]`; ``probIoU(_:_:)`` is the scalar reference of the four-lane
/// ``probIoUs(_:_:)``, bit-identical to it.
struct GaussianBox {
    var x: Double, y: Double
    var a: Double, b: Double, c: Double

    init(_ r: RotatedBox) {
        let a = Double(r.width) * Double(r.width) / 12, b = Double(r.height) * Double(r.height) / 12
        let t = Double(r.angle), cosine = cos(t), sine = sin(t)
        let cos2 = cosine * cosine, sin2 = sine * sine
        (self.a, self.b, self.c) = (a * cos2 + b * sin2, a * sin2 + b * cos2, (a - b) * cosine * sine)
        (x, y) = (Double(r.cx), Double(r.cy))
    }

    /// ε of Ultralytics' `batch_probiou`.
    static let eps = 1e-7

    /// ProbIoU of two boxes (the formula in `RotatedOverlap.probIoU`'s doc comment).
    static func probIoU(_ one: GaussianBox, _ two: GaussianBox) -> Double {
        let eps = Self.eps
        let sa = one.a + two.a, sb = one.b + two.b, sc = one.c + two.c
        let dx = one.x - two.x, dy = one.y - two.y
        let d = sa * sb - sc * sc
        let t1 = (sa * dy * dy + sb * dx * dx) / (d + eps) * 0.25
        let t2 = (sc * -dx * dy) / (d + eps) * 0.5
        let det1 = one.a * one.b - one.c * one.c, det2 = two.a * two.b - two.c * two.c
        let product = (det1 > 0 ? det1 : 0) * (det2 > 0 ? det2 : 0)
        let t3 = log(d / (4 * product.squareRoot() + eps) + eps) * 0.5
        let sum = t1 + t2 + t3
        let bd = sum < eps ? eps : (sum > 100 ? 100 : sum)
        return 1 - (1 - exp(-bd) + eps).squareRoot()
    }

    /// ``probIoU(_:_:)`` of `one[i]` and `two[i]` in each lane: the arithmetic on four lanes at once, the logarithm
    /// and exponential per lane, in the same order.
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
        let det1 = a1 * b1 - c1 * c1, det2 = a2 * b2 - c2 * c2
        let product = det1.replacing(with: 0, where: .!(det1 .> 0)) * det2.replacing(with: 0, where: .!(det2 .> 0))
        let ratio = d / (4 * product.squareRoot() + eps) + eps
        let t3 = V(log(ratio[0]), log(ratio[1]), log(ratio[2]), log(ratio[3])) * 0.5
        let sum = t1 + t2 + t3
        let bd = sum.replacing(with: 100, where: sum .> 100).replacing(with: eps, where: sum .< eps)
        let e = V(exp(-bd[0]), exp(-bd[1]), exp(-bd[2]), exp(-bd[3]))
        return 1 - (1 - e + eps).squareRoot()
    }
}

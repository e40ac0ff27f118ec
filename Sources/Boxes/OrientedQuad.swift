import Foundation

/// A rectangle prepared for the overlap kernels: its four corners in `Double`, counter-clockwise, its centre and its
/// area, computed once per box (`RectangleIntersection` and `RectangleIntersectionLanes` take pairs of these).
struct OrientedQuad {
    /// The corners, counter-clockwise (positive signed area, x right, y up in the maths).
    var corners: InlineArray<4, SIMD2<Double>>
    /// The circle through the corners: the centre `(cx, cy)` and half the diagonal.
    var circle: Circle
    /// The centre `(cx, cy)`.
    var centre: SIMD2<Double> { circle.centre }
    /// `½ Σ cross(cₖ − centre, cₖ₊₁ − centre)` over the corners (the shoelace formula about the centre, the sum
    /// the intersection kernels make for a box inside the other, so that a box's intersection with itself is its
    /// area bit for bit); 0 when `w · h` is 0, NaN when a value is not a number.
    var area: Double

    init(_ r: RotatedBox) {
        let (sine, cosine) = SineCosine.of(Double(r.angle))
        self.init(r, sine: sine, cosine: cosine)
    }

    /// The rectangle of `r` whose angle's sine and cosine are given.
    init(_ r: RotatedBox, sine: Double, cosine: Double) {
        let circle = Circle(r), c = circle.centre
        let v1 = SIMD2(Double(r.width) / 2 * cosine, Double(r.width) / 2 * sine)
        let v2 = SIMD2(-Double(r.height) / 2 * sine, Double(r.height) / 2 * cosine)
        var p: InlineArray<4, SIMD2<Double>> = [c + v1 + v2, c + v1 - v2, c - v1 - v2, c - v1 + v2]
        if Self.doubledArea(p, about: c) < 0 { p = [p[3], p[2], p[1], p[0]] }
        corners = p
        area = Double(r.width) * Double(r.height) == 0 ? 0 : 0.5 * Self.doubledArea(p, about: c)
        self.circle = circle
    }

    /// `boxes` prepared, their angles' sines and cosines four at a time (the same values as ``init(_:)``'s).
    static func prepare(_ boxes: [RotatedBox]) -> [OrientedQuad] {
        SineCosine.map(boxes) { OrientedQuad($0, sine: $1, cosine: $2) }
    }

    /// The circle through the corners, which needs no trigonometry.
    struct Circle {
        var centre: SIMD2<Double>
        /// `½ √(w² + h²)`.
        var radius: Double

        init(_ r: RotatedBox) {
            centre = SIMD2(Double(r.cx), Double(r.cy))
            radius = 0.5 * (Double(r.width) * Double(r.width) + Double(r.height) * Double(r.height)).squareRoot()
        }

        /// Whether the circles are apart (with a relative margin of 10⁻⁹, far above the rounding of the values
        /// compared), so that the rectangles' intersection is empty.
        func isApart(from other: Circle) -> Bool {
            let d = centre - other.centre, reach = radius + other.radius
            return d.x * d.x + d.y * d.y > reach * reach * (1 + 1e-9)
        }
    }

    /// Whether the two rectangles are certainly apart: their corners' circles are, so their intersection is empty.
    func isApart(from other: OrientedQuad) -> Bool { circle.isApart(from: other.circle) }

    /// `Σ cross(pₖ − o, pₖ₊₁ − o)`: twice the signed area, positive counter-clockwise.
    static func doubledArea(_ p: InlineArray<4, SIMD2<Double>>, about o: SIMD2<Double>) -> Double {
        var s = 0.0
        for k in 0..<4 {
            let a = p[k] - o, b = p[(k + 1) % 4] - o
            s += a.x * b.y - b.x * a.y
        }
        return s
    }
}

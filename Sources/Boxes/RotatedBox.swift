import Foundation

/// An oriented box: centre, width, height and a rotation in radians ("xywhr", Ultralytics' OBB form). The width runs
/// along the direction `(cos θ, sin θ)` and the height along `(−sin θ, cos θ)`, in image coordinates (y down), so a
/// positive angle turns the box clockwise on screen, as in Ultralytics and OpenCV.
public struct RotatedBox: Hashable, Sendable, CustomStringConvertible {
    /// Centre x.
    public var cx: Float
    /// Centre y.
    public var cy: Float
    /// Side along the angle's direction.
    public var width: Float
    /// The other side.
    public var height: Float
    /// Rotation in radians.
    public var angle: Float

    /// A box from its centre, sides and rotation (radians).
    public init(cx: Float, cy: Float, width: Float, height: Float, angle: Float) {
        self.cx = cx
        self.cy = cy
        self.width = width
        self.height = height
        self.angle = angle
    }

    /// A box from OpenCV's `RotatedRect`: centre, size and an angle in degrees.
    public init(openCVCenter center: (x: Float, y: Float), size: (width: Float, height: Float), degrees: Float) {
        self.init(cx: center.x, cy: center.y, width: size.width, height: size.height, angle: degrees * .pi / 180)
    }

    /// The angle in degrees, as OpenCV's `RotatedRect` holds it.
    public var degrees: Float { angle * 180 / .pi }

    /// Whether every value is finite and neither side is negative.
    public var isValid: Bool {
        cx.isFinite && cy.isFinite && width.isFinite && height.isFinite && angle.isFinite && width >= 0 && height >= 0
    }

    /// Area `w · h`.
    public var area: Float { width * height }

    /// The four corners in Ultralytics' order (`xywhr2xyxyxyxy`): with `v₁ = (w/2)(cos θ, sin θ)` and
    /// `v₂ = (h/2)(−sin θ, cos θ)`, `c + v₁ + v₂`, `c + v₁ − v₂`, `c − v₁ − v₂`, `c − v₁ + v₂`, computed as there, in
    /// `Float`.
    public var corners: [SIMD2<Float>] {
        let c = SIMD2(cx, cy), cosine = cos(angle), sine = sin(angle)
        let v1 = SIMD2(width / 2 * cosine, width / 2 * sine), v2 = SIMD2(-height / 2 * sine, height / 2 * cosine)
        return [c + v1 + v2, c + v1 - v2, c - v1 - v2, c - v1 + v2]
    }

    /// The enclosing axis-aligned box of the corners (what a COCO `bbox` beside an `rbox` holds).
    public var enclosingBox: Box {
        let p = corners
        var (x1, y1, x2, y2) = (p[0].x, p[0].y, p[0].x, p[0].y)
        for q in p.dropFirst() {  // as Sequence.min() and max() compare, a NaN corner included
            if q.x < x1 { x1 = q.x }
            if q.y < y1 { y1 = q.y }
            if x2 < q.x { x2 = q.x }
            if y2 < q.y { y2 = q.y }
        }
        return Box(x1: x1, y1: y1, x2: x2, y2: y2)
    }

    /// Ultralytics' `regularize_rboxes`: the angle taken modulo π/2, with width and height swapped when the angle
    /// modulo π lies in [π/2, π) (Python's modulo: the result has the divisor's sign, so it is never negative).
    public var regularized: RotatedBox {
        func modulo(_ a: Float, _ m: Float) -> Float {
            let r = fmodf(a, m)
            return r < 0 ? r + m : r
        }
        let swap = modulo(angle, .pi) >= .pi / 2
        return RotatedBox(
            cx: cx, cy: cy, width: swap ? height : width, height: swap ? width : height, angle: modulo(angle, .pi / 2))
    }

    /// `(cx, cy, w, h, θ)`.
    public var description: String { "(\(cx), \(cy), \(width), \(height), \(angle))" }
}

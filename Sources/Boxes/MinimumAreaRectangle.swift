import Foundation

extension RotatedBox {
    /// The smallest rectangle holding a convex polygon's corners (`corners` in either winding, at least three),
    /// written as Ultralytics writes OBB labels (`xyxyxyxy2xywhr`): the width the longer side, the angle in
    /// [−π/4, 3π/4). How DOTA's quadrilaterals become oriented boxes.
    ///
    /// The smallest enclosing rectangle of a convex polygon has a side along one of its edges (Freeman and Shapira
    /// 1975): for each edge `u`, the corners' extents along `u` and its normal give a candidate; the first of the
    /// smallest area wins (on a tie, another edge gives another rectangle of the same area; OpenCV's
    /// `minAreaRect`, in `Float`, may choose either). In `Double`, rounded to `Float` at the end; nil when the
    /// corners are not finite or span no area.
    public init?(minimumAreaRectangleOf corners: [SIMD2<Double>]) {
        guard corners.count >= 3, corners.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return nil }
        let origin = corners[0]
        var best: (area: Double, u: SIMD2<Double>, lo: SIMD2<Double>, hi: SIMD2<Double>)?
        for i in corners.indices {
            let edge = corners[(i + 1) % corners.count] - corners[i], length = (edge * edge).sum().squareRoot()
            guard length > 0 else { continue }
            let u = edge / length, v = SIMD2(-u.y, u.x)
            var lo = SIMD2(Double.infinity, .infinity), hi = -lo
            for p in corners {
                let d = p - origin, q = SIMD2((d * u).sum(), (d * v).sum())
                lo = pointwiseMin(lo, q)
                hi = pointwiseMax(hi, q)
            }
            let area = (hi.x - lo.x) * (hi.y - lo.y)
            if best.map({ area < $0.area }) ?? true { best = (area, u, lo, hi) }
        }
        guard let best, best.area > 0 else { return nil }
        let u = best.u, v = SIMD2(-u.y, u.x), mid = (best.lo + best.hi) / 2
        let centre = origin + u * mid.x + v * mid.y
        var (w, h, angle) = (best.hi.x - best.lo.x, best.hi.y - best.lo.y, atan2(u.y, u.x))
        if w < h { (w, h, angle) = (h, w, angle + .pi / 2) }
        while angle >= 3 * Double.pi / 4 { angle -= .pi }
        while angle < -Double.pi / 4 { angle += .pi }
        self.init(cx: Float(centre.x), cy: Float(centre.y), width: Float(w), height: Float(h), angle: Float(angle))
    }
}

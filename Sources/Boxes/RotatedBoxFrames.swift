import Foundation

extension RotatedBox {
    /// The axis-aligned `box` as an oriented box of angle 0 (the centre halved before the sum, so that it stays
    /// finite for any finite box).
    public init(_ box: Box) {
        self.init(
            cx: box.x1 / 2 + box.x2 / 2, cy: box.y1 / 2 + box.y2 / 2, width: box.x2 - box.x1, height: box.y2 - box.y1,
            angle: 0)
    }

    /// The same rectangle written with the angle nearest to `reference`'s: among `(w, h, θ + kπ)` and
    /// `(h, w, θ + π/2 + kπ)`, the one whose angle lies closest to `reference.angle` (the first on a tie). Boxes
    /// aligned to one reference can be averaged term by term (the fused boxes of weighted NMS and WBF).
    public func aligned(to reference: RotatedBox) -> RotatedBox {
        let t = Double(angle), r = Double(reference.angle)
        let same = t - Double.pi * ((t - r) / Double.pi).rounded()
        let turned = t + Double.pi / 2 - Double.pi * ((t + Double.pi / 2 - r) / Double.pi).rounded()
        if abs(turned - r) < abs(same - r) {
            return RotatedBox(cx: cx, cy: cy, width: height, height: width, angle: Float(turned))
        }
        return RotatedBox(cx: cx, cy: cy, width: width, height: height, angle: Float(same))
    }

    /// The smallest rectangle with this box's angle that holds both this box and `other`: both boxes' corners
    /// projected, in `Double`, on this box's axes `(cos θ, sin θ)` and `(−sin θ, cos θ)`. What merging an oriented
    /// box into another makes (the oriented counterpart of the union box of SAHI's merging).
    public func enclosing(_ other: RotatedBox) -> RotatedBox {
        let t = Double(angle), u = SIMD2(cos(t), sin(t)), v = SIMD2(-sin(t), cos(t))
        let centre = SIMD2(Double(cx), Double(cy))
        var lo = SIMD2(Double.infinity, .infinity), hi = -lo
        let quads: InlineArray<2, OrientedQuad> = [OrientedQuad(self), OrientedQuad(other)]
        for i in 0..<2 {
            for k in 0..<4 {
                let p = quads[i].corners[k]
                let d = p - centre, q = SIMD2((d * u).sum(), (d * v).sum())
                lo = pointwiseMin(lo, q)
                hi = pointwiseMax(hi, q)
            }
        }
        let mid = (lo + hi) / 2, c = centre + u * mid.x + v * mid.y
        return RotatedBox(
            cx: Float(c.x), cy: Float(c.y), width: Float(hi.x - lo.x), height: Float(hi.y - lo.y), angle: angle)
    }
}

import Boxes

/// A running weighted sum of oriented boxes, `Σ w·b` and `Σ w`, in `Double`, each box first written with the angle
/// nearest to the first box's (`RotatedBox.aligned(to:)`, in Boxes), so that boxes of one object average term by
/// term although `(w, h, θ)`, `(w, h, θ + π)` and `(h, w, θ + π/2)` are the same rectangle: the fused boxes of
/// weighted NMS and WBF on oriented groups.
struct RotatedBoxSum {
    private var weighted = SIMD8<Double>(repeating: 0)
    private(set) var totalWeight: Double = 0
    /// The first box added: the reference angle, and the mean when the weights cannot make one.
    private var first: RotatedBox?

    mutating func add(_ b: RotatedBox, weight: Double) {
        let a = first.map { b.aligned(to: $0) } ?? b
        weighted += weight * SIMD8(Double(a.cx), Double(a.cy), Double(a.width), Double(a.height), Double(a.angle), 0, 0, 0)
        totalWeight += weight
        if first == nil { first = b }
    }

    /// `Σ w·b / Σ w`; the first box added when `Σ w ≤ 0` or the mean does not fit a `Float`.
    var mean: RotatedBox {
        let v = weighted / totalWeight
        let box = RotatedBox(cx: Float(v[0]), cy: Float(v[1]), width: Float(v[2]), height: Float(v[3]), angle: Float(v[4]))
        let finite = [box.cx, box.cy, box.width, box.height, box.angle].allSatisfy(\.isFinite)
        guard totalWeight > 0, finite else { return first ?? box }
        return box
    }
}

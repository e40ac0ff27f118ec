import Boxes
import Foundation

/// What settles far pairs of oriented boxes without computing their overlap: a pair it rules out has an overlap of
/// at most ``floor``, so a method that ignores overlaps at or below that value can skip it.
///
/// - IoU and IoS (any `floor ≥ 0`): boxes whose enclosing axis-aligned boxes share no area overlap by 0.
/// - ProbIoU: it exceeds `t` (`0 ≤ t < 1`) only while the Bhattacharyya distance is below
///   `B* = −ln(1 + ε − (1 − t)²)` (ε = 10⁻⁷; at `t = 0`, `B* ≈ 16.1`, and far pairs have ProbIoU in [−5·10⁻⁸, 0]).
///   Its log-determinant term is at least about 0 (Minkowski's determinant inequality,
///   `det(Σ₁+Σ₂) ≥ 4√(det Σ₁ det Σ₂)`), and its Mahalanobis term is at least `|Δ|² / (4 λmax)`, `λmax ≤ s₁ + s₂`
///   with `sᵢ = (wᵢ² + hᵢ²) / 12` the trace of a box's covariance. So a pair with `|Δ|² > 8 (s₁ + s₂)(B* + 0.01)`
///   (a factor of two to spare) is at most `t`; pairs of boxes too thin for the bound (`w₁h₁w₂h₂ < 0.144`, where ε
///   matters) are never ruled out.
struct RotatedPairFilter {
    /// What the filter knows of one box.
    struct Reach {
        var bounds: Box
        var cx: Double, cy: Double
        var trace: Double, area: Double

        init(_ r: RotatedBox) {
            bounds = r.enclosingBox
            (cx, cy) = (Double(r.cx), Double(r.cy))
            trace = (Double(r.width) * Double(r.width) + Double(r.height) * Double(r.height)) / 12
            area = Double(r.width) * Double(r.height)
        }
    }

    /// Pairs ruled out overlap by at most this.
    let floor: Double
    private let measure: OverlapMeasure
    private let limit: Double
    /// Per box of the group.
    let reach: [Reach]

    /// A filter for `boxes` under `measure`; nil when `floor` is negative or at least 1 (nothing can be ruled out).
    init?(_ boxes: [RotatedBox], measure: OverlapMeasure, floor: Double) {
        guard floor >= 0, floor < 1 else { return nil }
        self.floor = floor
        self.measure = measure
        limit = 8 * (-log(1 + 1e-7 - (1 - floor) * (1 - floor)) + 0.01)
        reach = boxes.map(Reach.init)
    }

    /// A rectangle around box `i` that meets the rectangle of every box `j` whose pair ``mayExceed(_:_:)`` may
    /// allow (so that a grid of these finds them); nil when the box has none, or none in finite `Float`s (every pair
    /// with it is then computed).
    ///
    /// IoU and IoS: the enclosing box. ProbIoU: the square of half-side `√(limit · sᵢ)` about the centre, for a
    /// pair is settled when `|Δ|² > limit (s₁ + s₂)`, and `√(s₁ + s₂) ≤ √s₁ + √s₂`; none for a box of area below
    /// 0.38, which may form a pair too thin for the bound (`w₁h₁w₂h₂ < 0.144`).
    func neighbourhood(_ i: Int) -> Box? {
        let r = reach[i]
        let hood: Box
        switch measure {
        case .iou, .ios:
            hood = r.bounds
        case .probIoU:
            guard r.area >= 0.38 else { return nil }
            let half = (limit * r.trace).squareRoot() * (1 + 1e-6)
            hood = Box(
                x1: Float(r.cx - half).nextDown, y1: Float(r.cy - half).nextDown, x2: Float(r.cx + half).nextUp,
                y2: Float(r.cy + half).nextUp)
        }
        return hood.isFinite ? hood : nil
    }

    /// False only when the overlap of boxes `i` and `j` is at most ``floor``.
    @inline(__always) func mayExceed(_ i: Int, _ j: Int) -> Bool { mayExceed(reach[i], reach[j]) }

    /// False only when the overlap of the two boxes is at most ``floor``.
    func mayExceed(_ a: Reach, _ b: Reach) -> Bool {
        switch measure {
        case .iou, .ios:
            return !(a.bounds.x2 <= b.bounds.x1 || b.bounds.x2 <= a.bounds.x1
                || a.bounds.y2 <= b.bounds.y1 || b.bounds.y2 <= a.bounds.y1)
        case .probIoU:
            // Ruled out only where the bound holds outright (never on a NaN or an infinity).
            let dx = a.cx - b.cx, dy = a.cy - b.cy
            return !(a.area * b.area >= 0.144 && dx * dx + dy * dy > limit * (a.trace + b.trace))
        }
    }
}

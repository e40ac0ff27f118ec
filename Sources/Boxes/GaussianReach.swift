/// What ProbIoU needs to tell that two oriented boxes are far apart, without trigonometry: the centre, the largest
/// variance `λ = max(w, h)² / 12` and the determinant `δ = (w h)² / 144` of the box's Gaussian (both independent of
/// the angle).
///
/// For two boxes with `Σ = Σ₁ + Σ₂`, `D = det Σ` and centre offset `d`, the distance terms of ProbIoU are
/// `t₁ + t₂ = ¼ dᵀ adj(Σ) d / (D + ε) ≥ ¼ |d|² / (λ₁ + λ₂) · D / (D + ε)` (the largest eigenvalue of `Σ` is at most
/// `λ₁ + λ₂`), and `D ≥ δ₁ + δ₂` (Minkowski's determinant inequality), so when
/// `¼ |d|² (δ₁ + δ₂) > 110 (1 + 10⁻⁶) (λ₁ + λ₂) (δ₁ + δ₂ + ε)` the Bhattacharyya distance exceeds 100 (see
/// `GaussianBox.farApart`) and ProbIoU is its value at the clamp, `GaussianBox.farValue`.
struct GaussianReach {
    var x: Double, y: Double
    /// `max(w, h)² / 12`.
    var largest: Double
    /// `(w h)² / 144`.
    var determinant: Double

    init(_ r: RotatedBox) {
        let w = Double(r.width), h = Double(r.height), side = max(w, h)
        (x, y, largest, determinant) = (Double(r.cx), Double(r.cy), side * side / 12, (w * h) * (w * h) / 144)
    }

    /// Whether the pair certainly has a Bhattacharyya distance above 100 (the test above, on finite values only).
    static func farApart(_ one: GaussianReach, _ two: GaussianReach) -> Bool {
        let dx = one.x - two.x, dy = one.y - two.y, low = one.determinant + two.determinant
        let lhs = 0.25 * (dx * dx + dy * dy) * low
        let rhs = GaussianBox.farApart * (1 + 1e-6) * (one.largest + two.largest) * (low + GaussianBox.eps)
        return low > 0 && lhs.isFinite && rhs.isFinite && lhs > rhs
    }
}

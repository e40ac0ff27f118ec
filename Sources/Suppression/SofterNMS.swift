import Boxes
import Foundation

/// Softer-NMS: variance voting followed by Gaussian Soft-NMS (He, Zhu, Wang, Savvides, Zhang, "Bounding Box
/// Regression with Uncertainty for Accurate Object Detection", CVPR 2019, arXiv 1809.08545), in the order of the
/// authors' KL-Loss code, with each coordinate paired with its own standard deviation.
///
/// Repeat, as ``SoftNMS`` with the Gaussian decay: pick `M` (highest current score, ties: lower index; stop below
/// the score threshold). Before decaying, vote: over `M` and every remaining box `b` with
/// `IoU(M, b) > voteIoU` (IoUs of the original boxes),
///
///     p_b = exp(-(1 - IoU(M, b))² / voteSigma)
///     x_k = Σ_b (p_b · x_k,b / σ_k,b²) / Σ_b (p_b / σ_k,b²)      for k in x1, y1, x2, y2
///
/// using the original coordinates and `σ_k,b` from the record's `bbox_std` (all 1 when absent). Emit `M` with the
/// voted box and its current score; then multiply every remaining score by `exp(-IoU² / sigma)` and drop those
/// below the threshold. Boxes with lower variance and higher IoU pull harder; scores do not weigh in.
///
/// Defaults: `sigma` 0.5, `voteSigma` (σ_t) 0.02, `voteIoU` 0, score threshold 0.001.
public struct SofterNMS: ReferencedSuppressor {
    /// Soft-NMS Gaussian width.
    public var sigma: Float
    /// Width σ_t of the IoU weighting in the vote.
    public var voteSigma: Float
    /// Boxes vote when their IoU with the pick is above this, in [0, 1].
    public var voteIoU: Float

    /// Softer-NMS with the given parameters.
    public init(
        sigma: Float = SuppressionMethod.Kind.softer.defaultValue(.sigma), voteSigma: Float = SuppressionMethod.Kind.softer.defaultValue(.voteSigma),
        voteIoU: Float = SuppressionMethod.Kind.softer.defaultValue(.voteIoU)
    ) {
        self.sigma = sigma
        self.voteSigma = voteSigma
        self.voteIoU = voteIoU
    }

    /// `softer`.
    public var kind: SuppressionMethod.Kind { .softer }
    /// The method's name.
    public var name: String { kind.rawValue }
    /// 0.001, the KL-Loss code's prune threshold.
    public var defaultScoreThreshold: Float { kind.defaultScoreThreshold }

    /// The picks in selection order, with voted boxes and decayed scores.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        guard group.rotated == nil else { throw SuppressionError.notOriented(name) }
        return SoftSelection.run(group, orderedNeighbours: true, decay: factor, pick: { vote(group, $0, $1, $2) })
    }

    /// Plain scalar reference (quadratic).
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        guard group.rotated == nil else { throw SuppressionError.notOriented(name) }
        return SoftSelection.reference(
            group, overlap: { group.overlap(.iou, $0, $1) }, decay: factor, pick: { vote(group, $0, $1, $2) })
    }

    private func factor(_ iou: Float) -> Float { expf(-(iou * iou) / sigma) }

    /// The voted box of pick `m`: `m` first, then the voters in ascending position.
    private func vote(
        _ g: SuppressionGroup, _ m: Int, _ score: Float, _ neighbours: [SoftSelection.Neighbour]
    ) -> GroupSelection {
        var numerator = SIMD4<Double>(repeating: 0)
        var denominator = SIMD4<Double>(repeating: 0)
        func add(_ b: Int, _ iou: Float) {
            let box = g.boxes[b]
            let x = SIMD4<Double>(Double(box.x1), Double(box.y1), Double(box.x2), Double(box.y2))
            let s = g.deviations.map { SIMD4<Double>($0[b]) } ?? SIMD4<Double>(repeating: 1)
            let d = 1 - Double(iou)
            let weight = exp(-(d * d) / Double(voteSigma)) / (s * s)
            numerator += weight * x
            denominator += weight
        }
        add(m, g.overlap(.iou, m, m))
        for (b, iou) in neighbours where iou > voteIoU { add(b, iou) }
        let v = numerator / denominator
        return GroupSelection(
            position: m, score: score, box: Box(x1: Float(v.x), y1: Float(v.y), x2: Float(v.z), y2: Float(v.w)))
    }

    func validate() throws {
        try Check.positive("sigma", sigma)
        try Check.positive("vote sigma", voteSigma)
        try Check.unitInterval("vote iou", voteIoU)
    }
}

import Boxes
import Foundation

/// Soft-NMS (Bodla, Singh, Chellappa, Davis, "Soft-NMS: Improving Object Detection With One Line of Code",
/// ICCV 2017, arXiv 1704.04503): instead of removing the boxes that overlap a pick, lower their scores.
///
/// Repeat: pick the remaining box `M` with the highest current score (ties: lower input index); stop when it is
/// below the score threshold; emit it with its current score; multiply the score of every remaining box `b`:
/// - `soft-linear`: by `1 - IoU(M, b)` when `IoU(M, b) > iouThreshold` (default 0.3);
/// - `soft-gaussian`: by `exp(-IoU(M, b)² / sigma)` (default `sigma` 0.5);
///
/// and drop those now below the threshold (default 0.001, the authors'). IoU is continuous (no `+1`). Equal to
/// OpenCV's `softNMSBoxes` (top_k 0) on integer boxes. Returned scores are the decayed ones.
///
/// Oriented groups (and ProbIoU, `overlap=probiou`, on either geometry) decay by the overlap of the oriented boxes
/// (`OverlapMeasure`, in Boxes): the fast path is the reference's loop with far pairs settled without computing
/// their overlap.
public struct SoftNMS: ReferencedSuppressor {
    /// How a pick lowers the scores of the boxes it overlaps.
    public enum Decay: Sendable, Hashable {
        /// `s *= 1 - IoU` when `IoU > iouThreshold`.
        case linear(iouThreshold: Float)
        /// `s *= exp(-IoU² / sigma)`.
        case gaussian(sigma: Float)
    }

    /// The decay rule.
    public var decay: Decay
    /// How boxes overlap: IoU, or ProbIoU (`soft-gaussian:overlap=probiou`).
    public var overlap: OverlapMeasure

    /// Soft-NMS with the given decay and overlap.
    public init(decay: Decay, overlap: OverlapMeasure = .iou) {
        self.decay = decay
        self.overlap = overlap
    }

    /// `soft-linear`.
    public static func linear(
        iouThreshold: Float = SuppressionMethod.Kind.softLinear.defaultValue(.threshold), overlap: OverlapMeasure = .iou
    ) -> SoftNMS { SoftNMS(decay: .linear(iouThreshold: iouThreshold), overlap: overlap) }
    /// `soft-gaussian`.
    public static func gaussian(
        sigma: Float = SuppressionMethod.Kind.softGaussian.defaultValue(.sigma), overlap: OverlapMeasure = .iou
    ) -> SoftNMS { SoftNMS(decay: .gaussian(sigma: sigma), overlap: overlap) }

    /// True.
    public var acceptsOrientedBoxes: Bool { true }

    /// `soft-linear` or `soft-gaussian`.
    public var kind: SuppressionMethod.Kind {
        switch decay {
        case .linear: return .softLinear
        case .gaussian: return .softGaussian
        }
    }

    /// The method's name.
    public var name: String { kind.rawValue }

    /// 0.001, the original Soft-NMS prune threshold.
    public var defaultScoreThreshold: Float { kind.defaultScoreThreshold }

    /// The picks in selection order, with their decayed scores.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        if let o = try OrientedOverlaps(group, measure: overlap, method: name, floor: floor) {
            return SoftSelection.reference(group, overlap: { o($0, $1) }, decay: factor, pick: { m, score, _ in group.kept(m, score: score) })
        }
        return SoftSelection.run(group, orderedNeighbours: false, decay: factor, pick: { m, score, _ in group.kept(m, score: score) })
    }

    /// Plain scalar reference (quadratic).
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        let o = try OrientedOverlaps(group, measure: overlap, method: name)
        return SoftSelection.reference(
            group, overlap: { o?($0, $1) ?? group.overlap(.iou, $0, $1) }, decay: factor,
            pick: { m, score, _ in group.kept(m, score: score) })
    }

    /// The overlap at or below which a pair leaves scores as they are: the linear decay's threshold; 0 for the
    /// Gaussian one (far pairs' ProbIoU lies in [−5·10⁻⁸, 0], whose factor rounds to 1 while `sigma ≥ 10⁻⁶`; below
    /// that every pair is computed).
    private var floor: Double? {
        switch decay {
        case .linear(let t): return Double(t)
        case .gaussian(let sigma): return sigma >= 1e-6 ? 0 : nil
        }
    }

    /// The factor a box's score is multiplied by at a given IoU with the pick.
    func factor(_ iou: Float) -> Float {
        switch decay {
        case .linear(let t): return iou > t ? 1 - iou : 1
        case .gaussian(let sigma): return expf(-(iou * iou) / sigma)
        }
    }

    func validate() throws {
        switch decay {
        case .linear(let t): try Check.unitInterval("iou threshold", t)
        case .gaussian(let sigma): try Check.positive("sigma", sigma)
        }
    }
}

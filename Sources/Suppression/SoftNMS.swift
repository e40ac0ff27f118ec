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

    /// Soft-NMS with the given decay.
    public init(decay: Decay) {
        self.decay = decay
    }

    /// `soft-linear`.
    public static func linear(iouThreshold: Float = SuppressionMethod.Kind.softLinear.defaultValue(.threshold)) -> SoftNMS { SoftNMS(decay: .linear(iouThreshold: iouThreshold)) }
    /// `soft-gaussian`.
    public static func gaussian(sigma: Float = SuppressionMethod.Kind.softGaussian.defaultValue(.sigma)) -> SoftNMS { SoftNMS(decay: .gaussian(sigma: sigma)) }

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
        return SoftSelection.run(group, orderedNeighbours: false, decay: factor, pick: { m, score, _ in keep(group, m, score) })
    }

    /// Plain scalar reference (quadratic).
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        return SoftSelection.reference(group, decay: factor, pick: { m, score, _ in keep(group, m, score) })
    }

    private func keep(_ g: SuppressionGroup, _ m: Int, _ score: Float) -> GroupSelection {
        GroupSelection(position: m, score: score, box: g.boxes[m])
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

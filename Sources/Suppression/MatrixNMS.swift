import Boxes
import Foundation

/// Matrix NMS (Wang, Zhang, Kong, Li, Shen, "SOLOv2: Dynamic and Fast Instance Segmentation", NeurIPS 2020,
/// arXiv 2003.10152) on box IoU: every score is decayed at once, in parallel, by how much each higher-scoring box
/// overlaps it, discounted by how much that box is itself overlapped.
///
/// With boxes sorted by score and `IoU_ij` for `i < j`:
///
///     comp_i  = max_{k<i} IoU_ki
///     gaussian: decay_ij = exp(-(IoU_ij² - comp_i²) / sigma)      (sigma 0.5 = SOLOv2's sigma 2)
///     linear:   decay_ij = (1 - IoU_ij) / (1 - comp_i)            (1 when 1 - comp_i = 0)
///     s_j    *= min_{i<j} decay_ij
///
/// and boxes with `s_j >= scoreThreshold` (default 0.001) are kept, with their new scores. Equal to SOLOv2's and
/// Paddle's `matrix_nms` with continuous IoU. Only overlapping pairs can lower a score (a non-overlapping row gives
/// `decay >= 1`, and the top box's row gives at most 1), so the fast path visits just those through a
/// `CellIndex`; ``reference(_:)`` evaluates the full triangle. Oriented groups (and ProbIoU, `overlap=probiou`, on
/// either geometry) decay by the overlaps of the oriented boxes (`OverlapMeasure`, in Boxes); their fast path
/// visits the pairs whose overlap is not 0, far pairs settled without computing it.
public struct MatrixNMS: ReferencedSuppressor {
    /// How the decay is computed.
    public enum Kernel: Sendable, Hashable {
        /// `exp(-(IoU² - comp²) / sigma)`.
        case gaussian(sigma: Float)
        /// `(1 - IoU) / (1 - comp)`.
        case linear
    }

    /// The decay kernel.
    public var kernel: Kernel
    /// How boxes overlap: IoU, or ProbIoU (`matrix-gaussian:overlap=probiou`).
    public var overlap: OverlapMeasure

    /// Matrix NMS with the given kernel and overlap.
    public init(kernel: Kernel, overlap: OverlapMeasure = .iou) {
        self.kernel = kernel
        self.overlap = overlap
    }

    /// `matrix-gaussian`.
    public static func gaussian(
        sigma: Float = SuppressionMethod.Kind.matrixGaussian.defaultValue(.sigma), overlap: OverlapMeasure = .iou
    ) -> MatrixNMS { MatrixNMS(kernel: .gaussian(sigma: sigma), overlap: overlap) }
    /// `matrix-linear`.
    public static let linear = MatrixNMS(kernel: .linear)

    /// True.
    public var acceptsOrientedBoxes: Bool { true }

    /// `matrix-gaussian` or `matrix-linear`.
    public var kind: SuppressionMethod.Kind {
        switch kernel {
        case .gaussian: return .matrixGaussian
        case .linear: return .matrixLinear
        }
    }

    /// The method's name.
    public var name: String { kind.rawValue }

    /// 0.001, as the soft methods.
    public var defaultScoreThreshold: Float { kind.defaultScoreThreshold }

    /// Every box whose decayed score stays at or above the threshold.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        let n = group.count
        var rank = [Int](repeating: 0, count: n)
        for (r, p) in group.order.enumerated() { rank[p] = r }
        // The boxes overlapping box j, with their overlaps: from a CellIndex, or from the oriented pairs not 0.
        let visit: (Int, (Int, Float) -> Void) -> Void
        if let oriented = try OrientedOverlaps(group, measure: overlap, method: name, floor: floor) {
            let lists = oriented.neighbours()
            visit = { j, body in for (i, v) in lists[j] { body(i, v) } }
        } else {
            let index = CellIndex(group.boxes, convention: group.convention)
            visit = { j, body in index.visit(overlapping: group.boxes[j]) { body($0, $1); return true } }
        }
        var compensation = [Float](repeating: 0, count: n)
        var coefficient = [Float](repeating: 1, count: n)
        // Pass 1: comp_j, the largest IoU with a higher-ranked box; pass 2: the decay of j by each such box.
        for pass in 0..<2 {
            for j in 0..<n {
                visit(j) { i, iou in
                    if rank[i] < rank[j] {
                        if pass == 0 {
                            compensation[j] = Swift.max(compensation[j], iou)
                        } else {
                            coefficient[j] = Swift.min(coefficient[j], decay(iou, compensation[i]))
                        }
                    }
                }
            }
        }
        return survivors(group, coefficient)
    }

    /// Plain reference: every pair `i < j` of the sorted boxes.
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        let oriented = try OrientedOverlaps(group, measure: overlap, method: name)
        let order = group.order, n = order.count
        var compensation = [Float](repeating: 0, count: n)
        var iou = [[Float]](repeating: [Float](repeating: 0, count: n), count: n)
        for j in 0..<n {
            for i in 0..<j {
                iou[i][j] = oriented?(order[i], order[j]) ?? group.overlap(.iou, order[i], order[j])
                compensation[j] = Swift.max(compensation[j], iou[i][j])
            }
        }
        var coefficient = [Float](repeating: 1, count: group.count)
        for j in 1..<max(n, 1) {
            coefficient[order[j]] = (0..<j).map { decay(iou[$0][j], compensation[$0]) }.min() ?? 1
        }
        return survivors(group, coefficient)
    }

    private func survivors(_ g: SuppressionGroup, _ coefficient: [Float]) -> [GroupSelection] {
        g.order.compactMap { p in
            let s = g.scores[p] * coefficient[p]
            return s >= g.scoreThreshold ? g.kept(p, score: s) : nil
        }
    }

    /// The overlap at or below which a pair changes no score: 0 (far pairs' ProbIoU lies in [−5·10⁻⁸, 0], whose
    /// decay rounds to at least 1 while the Gaussian `sigma ≥ 10⁻⁶`; below that every pair is computed).
    private var floor: Double? {
        if case .gaussian(let sigma) = kernel, sigma < 1e-6 { return nil }
        return 0
    }

    private func decay(_ iou: Float, _ comp: Float) -> Float {
        switch kernel {
        case .gaussian(let sigma):
            return expf(-(iou * iou - comp * comp) / sigma)
        case .linear:
            let d = 1 - comp
            return d == 0 ? 1 : (1 - iou) / d
        }
    }

    func validate() throws {
        if case .gaussian(let sigma) = kernel { try Check.positive("sigma", sigma) }
    }
}

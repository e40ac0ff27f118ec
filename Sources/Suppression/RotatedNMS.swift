import Boxes
import Foundation

/// Greedy NMS and Fast NMS on oriented boxes, scalar: what the rotated suppression methods are checked against.
///
/// Both visit the boxes by descending score (ties in input order) and compare overlaps with `> threshold`, as
/// torchvision and Ultralytics do:
/// - **greedy**: a box is kept unless a box kept before it overlaps it above the threshold (torchvision's `nms`,
///   OpenCV's `NMSBoxesRotated`, on exact rotated IoU);
/// - **fast** (Bolya et al., "YOLACT", ICCV 2019): a box is dropped when any higher-scored box overlaps it above the
///   threshold, kept or not: the first iteration of Cluster-NMS, and exactly Ultralytics' OBB post-processing
///   (`TorchNMS.fast_nms(..., iou_func=batch_probiou)`).
///
/// Overlap is the exact IoU of the rectangles or ProbIoU (`RotatedOverlap`, in Boxes).
public enum RotatedNMS {
    /// How two oriented boxes overlap.
    public enum Overlap: String, Sendable, CaseIterable {
        /// Exact intersection over union of the rectangles.
        case iou
        /// The Gaussian (Bhattacharyya) overlap of Ultralytics' OBB models.
        case probIoU = "probiou"

        /// The overlap of `a` and `b`.
        public func callAsFunction(_ a: RotatedBox, _ b: RotatedBox) -> Double {
            switch self {
            case .iou: return RotatedOverlap.iou(a, b)
            case .probIoU: return RotatedOverlap.probIoU(a, b)
            }
        }
    }

    /// Greedy NMS: the kept boxes' indices, by descending score.
    public static func greedy(_ boxes: [RotatedBox], scores: [Float], threshold: Double, overlap: Overlap = .iou) -> [Int] {
        let order = ScoreOrder.descending(scores), pruning = Pruning(boxes, threshold, overlap)
        var kept: [Int] = []
        for i in order where kept.allSatisfy({ !overlaps(boxes, pruning, $0, i, threshold, overlap) }) { kept.append(i) }
        return kept
    }

    /// Fast NMS: the kept boxes' indices, by descending score.
    public static func fast(_ boxes: [RotatedBox], scores: [Float], threshold: Double, overlap: Overlap = .iou) -> [Int] {
        let order = ScoreOrder.descending(scores), pruning = Pruning(boxes, threshold, overlap)
        return order.indices.filter { k in order[..<k].allSatisfy { !overlaps(boxes, pruning, $0, order[k], threshold, overlap) } }
            .map { order[$0] }
    }

    /// What settles far pairs without computing their overlap.
    ///
    /// Exact IoU: boxes whose enclosing axis-aligned boxes share no area have an IoU of 0 (when the threshold is
    /// not negative).
    ///
    /// ProbIoU: it exceeds a threshold `t < 1` only while the Bhattacharyya distance is below
    /// `B* = −ln(1 + ε − (1 − t)²)`. Its log-determinant term is at least about 0 (Minkowski's determinant
    /// inequality, `det(Σ₁+Σ₂) ≥ 4√(det Σ₁ det Σ₂)`), and its Mahalanobis term is at least `|Δ|² / (4 λmax)`,
    /// `λmax ≤ s₁ + s₂` with `sᵢ = (wᵢ² + hᵢ²) / 12` the trace of a box's covariance. So a pair with
    /// `|Δ|² > 8 (s₁ + s₂)(B* + 0.01)` (a factor of two to spare) is below the threshold; pairs of boxes too thin
    /// for the bound (`w₁h₁w₂h₂ < 0.144`, where ε matters) are always computed.
    private struct Pruning {
        var bounds: [Box] = []
        var traces: [Double] = [], areas: [Double] = []
        var limit = 0.0

        init(_ boxes: [RotatedBox], _ threshold: Double, _ overlap: Overlap) {
            switch overlap {
            case .iou:
                if threshold >= 0 { bounds = boxes.map(\.enclosingBox) }
            case .probIoU:
                guard threshold >= 0, threshold < 1 else { return }
                let remaining = 1 + 1e-7 - (1 - threshold) * (1 - threshold)
                guard remaining > 0 else { return }
                limit = 8 * (-log(remaining) + 0.01)
                traces = boxes.map { (Double($0.width) * Double($0.width) + Double($0.height) * Double($0.height)) / 12 }
                areas = boxes.map { Double($0.width) * Double($0.height) }
            }
        }
    }

    /// Whether box `i` overlaps box `j` above `threshold`, far pairs settled by `pruning`.
    private static func overlaps(
        _ boxes: [RotatedBox], _ pruning: Pruning, _ i: Int, _ j: Int, _ threshold: Double, _ overlap: Overlap
    ) -> Bool {
        if !pruning.bounds.isEmpty {
            let a = pruning.bounds[i], b = pruning.bounds[j]
            if a.x2 <= b.x1 || b.x2 <= a.x1 || a.y2 <= b.y1 || b.y2 <= a.y1 { return false }
        } else if !pruning.traces.isEmpty, pruning.areas[i] * pruning.areas[j] >= 0.144 {
            let dx = Double(boxes[i].cx) - Double(boxes[j].cx), dy = Double(boxes[i].cy) - Double(boxes[j].cy)
            if dx * dx + dy * dy > pruning.limit * (pruning.traces[i] + pruning.traces[j]) { return false }
        }
        return overlap(boxes[i], boxes[j]) > threshold
    }

    /// The plain references of ``greedy(_:scores:threshold:overlap:)`` and ``fast(_:scores:threshold:overlap:)``:
    /// every pair's overlap computed, nothing settled early.
    static func reference(
        fast: Bool, _ boxes: [RotatedBox], scores: [Float], threshold: Double, overlap: Overlap
    ) -> [Int] {
        let order = ScoreOrder.descending(scores)
        var kept: [Int] = []
        for (k, i) in order.enumerated() {
            let earlier = fast ? Array(order[..<k]) : kept
            if earlier.allSatisfy({ overlap(boxes[$0], boxes[i]) <= threshold }) { kept.append(i) }
        }
        return kept
    }
}

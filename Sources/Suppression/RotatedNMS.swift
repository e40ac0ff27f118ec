import Boxes

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
/// Overlap is the exact IoU of the rectangles or ProbIoU (``RotatedOverlap``).
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
        let order = descending(scores), bounds = boxes.map(\.enclosingBox)
        var kept: [Int] = []
        for i in order where kept.allSatisfy({ !overlaps(boxes, bounds, $0, i, threshold, overlap) }) { kept.append(i) }
        return kept
    }

    /// Fast NMS: the kept boxes' indices, by descending score.
    public static func fast(_ boxes: [RotatedBox], scores: [Float], threshold: Double, overlap: Overlap = .iou) -> [Int] {
        let order = descending(scores), bounds = boxes.map(\.enclosingBox)
        return order.indices.filter { k in order[..<k].allSatisfy { !overlaps(boxes, bounds, $0, order[k], threshold, overlap) } }
            .map { order[$0] }
    }

    /// Whether box `i` overlaps box `j` above `threshold`. For exact IoU, boxes whose enclosing axis-aligned boxes
    /// share no area have an IoU of 0, so they are settled without clipping (when the threshold is not negative).
    private static func overlaps(
        _ boxes: [RotatedBox], _ bounds: [Box], _ i: Int, _ j: Int, _ threshold: Double, _ overlap: Overlap
    ) -> Bool {
        if overlap == .iou && threshold >= 0 {
            let a = bounds[i], b = bounds[j]
            if a.x2 <= b.x1 || b.x2 <= a.x1 || a.y2 <= b.y1 || b.y2 <= a.y1 { return false }
        }
        return overlap(boxes[i], boxes[j]) > threshold
    }

    /// The plain references of ``greedy(_:scores:threshold:overlap:)`` and ``fast(_:scores:threshold:overlap:)``:
    /// every pair's overlap computed, nothing settled early.
    static func reference(
        fast: Bool, _ boxes: [RotatedBox], scores: [Float], threshold: Double, overlap: Overlap
    ) -> [Int] {
        let order = descending(scores)
        var kept: [Int] = []
        for (k, i) in order.enumerated() {
            let earlier = fast ? Array(order[..<k]) : kept
            if earlier.allSatisfy({ overlap(boxes[$0], boxes[i]) <= threshold }) { kept.append(i) }
        }
        return kept
    }

    /// Indices by descending score, ties in input order.
    private static func descending(_ scores: [Float]) -> [Int] {
        scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    }
}

import Boxes
import Foundation

/// Greedy NMS and Fast NMS on oriented boxes: what ``GreedyNMS``, ``FastNMS`` and ``ClusterNMS`` run on oriented groups.
///
/// Both visit the boxes by descending score (ties in input order) and compare overlaps with `> threshold`, as
/// torchvision and Ultralytics do:
/// - **greedy**: a box is kept unless a box kept before it overlaps it above the threshold (torchvision's `nms`,
///   OpenCV's `NMSBoxesRotated`, on exact rotated IoU);
/// - **fast** (Bolya et al., "YOLACT", ICCV 2019): a box is dropped when any higher-scored box overlaps it above the
///   threshold, kept or not: the first iteration of Cluster-NMS, and exactly Ultralytics' OBB post-processing
///   (`TorchNMS.fast_nms(..., iou_func=batch_probiou)`).
///
/// Overlaps (exact IoU or IoS of the rectangles, or ProbIoU: `OverlapMeasure`, in Boxes) are computed in `Double`
/// and rounded to `Float`, then compared with the threshold, as every suppression method does on oriented boxes.
/// Far pairs are settled without computing their overlap: a grid of the boxes' neighbourhoods
/// (`RotatedPairFilter`, `SpatialGrid`) finds the earlier boxes that may overlap each one.
public enum RotatedNMS {
    /// Greedy NMS: the kept boxes' indices, by descending score.
    public static func greedy(_ boxes: [RotatedBox], scores: [Float], threshold: Float, overlap: OverlapMeasure = .iou) -> [Int] {
        var kept: [Int] = []
        OrientedOverlaps(boxes, measure: overlap, floor: Double(threshold)).sweep(ScoreOrder.descending(scores), threshold: threshold) {
            if !$1 { kept.append($0) }
            return !$1
        }
        return kept
    }

    /// Fast NMS: the kept boxes' indices, by descending score.
    public static func fast(_ boxes: [RotatedBox], scores: [Float], threshold: Float, overlap: OverlapMeasure = .iou) -> [Int] {
        var kept: [Int] = []
        OrientedOverlaps(boxes, measure: overlap, floor: Double(threshold)).sweep(ScoreOrder.descending(scores), threshold: threshold) {
            if !$1 { kept.append($0) }
            return true
        }
        return kept
    }

    /// The plain references of ``greedy(_:scores:threshold:overlap:)`` and ``fast(_:scores:threshold:overlap:)``:
    /// every pair's overlap computed, nothing settled early.
    static func reference(
        fast: Bool, _ boxes: [RotatedBox], scores: [Float], threshold: Float, overlap: OverlapMeasure
    ) -> [Int] {
        let order = ScoreOrder.descending(scores), value = OrientedOverlaps(boxes, measure: overlap, floor: nil)
        var kept: [Int] = []
        for (k, i) in order.enumerated() {
            let earlier = fast ? Array(order[..<k]) : kept
            if earlier.allSatisfy({ value($0, i) <= threshold }) { kept.append(i) }
        }
        return kept
    }
}

import Boxes
import Suppression

/// torchvision's `batched_nms` as it runs on the CPU: for at most 1,000 boxes, one `nms` over boxes offset by
/// `class · (max coordinate + 1)` in float32 (the "coordinate trick"); above that, one `nms` per class. Either
/// way the result is the kept positions by score, highest first. Both branches are reproduced so that IoUs
/// computed on offset coordinates round as torchvision's do.
enum TorchvisionBatchedNMS {
    /// The kept positions of `boxes`, best first.
    static func keep(boxes: BoxArray, scores: [Float], classes: [Int], iouThreshold: Float) throws -> [Int] {
        guard !boxes.isEmpty else { return [] }
        let nms = GreedyNMS(iouThreshold: iouThreshold)
        if boxes.count * 4 > 4000 {
            return try nms.apply(to: Detections(boxes: boxes, scores: scores, categories: classes)).map(\.index)
        }
        let largest = boxes.map { Swift.max(Swift.max($0.x1, $0.y1), Swift.max($0.x2, $0.y2)) }.max() ?? 0
        let shifted = BoxArray(
            zip(boxes, classes).map { b, c in
                let o = Float(c) * (largest + 1)
                return Box(x1: b.x1 + o, y1: b.y1 + o, x2: b.x2 + o, y2: b.y2 + o)
            })
        return try nms.apply(to: Detections(boxes: shifted, scores: scores), options: SuppressionOptions(classAgnostic: true)).map(\.index)
    }
}

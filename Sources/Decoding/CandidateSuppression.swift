import Boxes
import Suppression

/// What thins a decoder's candidates: the format's own post-processing, or any DetectKit method.
public enum CandidateSuppression: Sendable {
    /// The post-processing of the model's own library, reproduced exactly (for YOLO: Ultralytics' or YOLOv5's
    /// class-offset NMS; for RetinaNet and SSD: torchvision's `batched_nms`; DETR-family outputs have none).
    case native
    /// A DetectKit method instead, run by `Suppressor.apply(to:options:)` on the candidates that passed the
    /// format's confidence filter and candidate cap, in network-input pixels.
    case method(any Suppressor, SuppressionOptions)

    /// Runs the method on `candidates` (one image), returning the survivors in the method's order.
    func thin(_ candidates: Detections) throws -> Detections {
        guard case .method(let method, let options) = self else { return candidates }
        let kept = try method.apply(to: candidates, options: options)
        return try Detections(
            boxes: BoxArray(kept.map(\.box)), scores: kept.map(\.score), categories: kept.map { candidates.categories[$0.index] },
            images: kept.map { candidates.images[$0.index] }, rotated: candidates.rotated.map { _ in kept.compactMap(\.rotated) })
    }
}

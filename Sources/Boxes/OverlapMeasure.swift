/// How a suppression method measures the overlap of two boxes, whichever their geometry: what `overlap=` chooses in
/// a method spec (`nms:overlap=probiou`).
///
/// On oriented boxes the values are those of ``RotatedOverlap``, computed in `Double`. On axis-aligned boxes
/// ``iou`` and ``ios`` are ``OverlapKind/iou`` and ``OverlapKind/ios``, and ``probIoU`` takes each box as an
/// oriented box of angle 0.
public enum OverlapMeasure: String, Sendable, CaseIterable, Hashable {
    /// Intersection over union.
    case iou
    /// Intersection over the smaller area.
    case ios
    /// The Gaussian (Bhattacharyya) overlap of Ultralytics' OBB models.
    case probIoU = "probiou"

    /// The overlap of two oriented boxes.
    public func value(_ a: RotatedBox, _ b: RotatedBox) -> Double {
        switch self {
        case .iou: return RotatedOverlap.iou(a, b)
        case .ios: return RotatedOverlap.ios(a, b)
        case .probIoU: return RotatedOverlap.probIoU(a, b)
        }
    }
}

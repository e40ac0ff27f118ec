import Boxes
import Foundation

/// The overlap a hard-suppression method compares with its threshold: box `j` is suppressed by a kept,
/// higher-scoring box `i` when `criterion(i, j) > threshold`.
public enum SuppressionCriterion: Sendable, Hashable {
    /// Plain IoU (greedy NMS).
    case iou
    /// `IoU - (ρ²/c²)^β` (DIoU-NMS, Zheng et al. AAAI 2020; the `β` generalisation is from their TCYB 2021 paper).
    /// With `β = 1` it equals `torchvision.ops.distance_box_iou`.
    case diou(beta: Float)
    /// `CIoU = DIoU - α·v` (`Boxes/OverlapKind/ciou`), equal to `torchvision.ops.complete_box_iou`.
    case ciou
    /// Intersection over the smaller area (`Boxes/OverlapKind/ios`), SAHI's `IOS`: `nms:overlap=ios`.
    case ios
    /// ProbIoU, the Gaussian overlap of Ultralytics' OBB models (`Boxes/RotatedOverlap`): `nms:overlap=probiou`.
    /// Axis-aligned boxes are taken at angle 0.
    case probIoU

    /// The measure this criterion is on oriented boxes; nil for DIoU and CIoU, which have no oriented form here.
    public var measure: OverlapMeasure? {
        switch self {
        case .iou: return .iou
        case .ios: return .ios
        case .probIoU: return .probIoU
        case .diou, .ciou: return nil
        }
    }

    /// The criterion's value for a kept box `a` and a candidate `b`.
    @inline(__always)
    public func value(_ a: Box, _ b: Box, convention: BoxConvention) -> Float {
        switch self {
        case .iou:
            return OverlapKind.iou.value(a, b, convention: convention)
        case .diou(let beta):
            if beta == 1 { return OverlapKind.diou.value(a, b, convention: convention) }
            let iou = OverlapKind.iou.value(a, b, convention: convention)
            return iou - powf(OverlapKind.distancePenalty(a, b), beta)
        case .ciou:
            return OverlapKind.ciou.value(a, b, convention: convention)
        case .ios:
            return OverlapKind.ios.value(a, b, convention: convention)
        case .probIoU:
            return Float(RotatedOverlap.probIoU(RotatedBox(a), RotatedBox(b)))
        }
    }

    func validate() throws {
        if case .diou(let beta) = self { try Check.positive("beta", beta) }
    }
}

import Foundation

/// A measure of how much two boxes overlap, with its plain scalar definition.
///
/// With `o` the convention's offset (0, or 1 for ``BoxConvention/pixelInclusive``):
/// - `inter = max(0, min(x2a, x2b) - max(x1a, x1b) + o) · max(0, min(y2a, y2b) - max(y1a, y1b) + o)`
/// - `union = (area(a) + area(b)) - inter`
/// - **IoU** `= inter / union`, and `0` when `union <= 0` (so zero-area boxes never overlap anything).
/// - **GIoU** (Rezatofighi et al., CVPR 2019) `= IoU - (|C| - union) / |C|`, with `C` the enclosing box;
///   `IoU` when `|C| = 0`.
/// - **DIoU** (Zheng et al., AAAI 2020) `= IoU - ρ² / (c² + 1e-7)`: `ρ` the distance between the centres,
///   `c` the diagonal of the enclosing box (without the offset), as `torchvision.ops.distance_box_iou`.
/// - **CIoU** (same paper) `= DIoU - α·v`, `v = 4/π² · (atan(wa/ha) - atan(wb/hb))²`,
///   `α = v / ((1 - IoU) + v + 1e-7)`, as `torchvision.ops.complete_box_iou` (NaN when a box has `w = h = 0`).
/// - **IoS**, intersection over the smaller area, `= inter / min(area(a), area(b))`, and `0` when that area is
///   not positive: SAHI's `IOS` match metric (`sahi.postprocess`), which counts a small box inside a large one as
///   a full match, as a box cut by a tile border is inside the whole object's box.
///
/// The operations are done in this order, in `Float`, with no fused multiply-add, so that the vector kernels
/// (``OverlapKernels``) give the same bits.
public enum OverlapKind: String, Sendable, CaseIterable, Hashable {
    /// Intersection over union.
    case iou
    /// Generalized IoU.
    case giou
    /// Distance IoU.
    case diou
    /// Complete IoU.
    case ciou
    /// Intersection over the smaller area.
    case ios

    /// The scalar reference value of this measure for two boxes.
    @inlinable
    public func value(_ a: Box, _ b: Box, convention: BoxConvention = .continuous) -> Float {
        let o = convention.offset
        let iw = Self.max(Self.min(a.x2, b.x2) - Self.max(a.x1, b.x1) + o, 0)
        let ih = Self.max(Self.min(a.y2, b.y2) - Self.max(a.y1, b.y1) + o, 0)
        let inter = iw * ih
        let union = (a.area(convention) + b.area(convention)) - inter
        let iou: Float = union > 0 ? inter / union : 0
        switch self {
        case .iou:
            return iou
        case .ios:
            let smaller = Self.min(a.area(convention), b.area(convention))
            return smaller > 0 ? inter / smaller : 0
        case .giou:
            let cw = Self.max(Self.max(a.x2, b.x2) - Self.min(a.x1, b.x1) + o, 0)
            let ch = Self.max(Self.max(a.y2, b.y2) - Self.min(a.y1, b.y1) + o, 0)
            let areaC = cw * ch
            return areaC > 0 ? iou - (areaC - union) / areaC : iou
        case .diou, .ciou:
            var d = iou - Self.distancePenalty(a, b)
            if self == .ciou {
                let t = Self.aspectAngle(a, convention) - Self.aspectAngle(b, convention)
                let v = Self.fourOverPiSquared * (t * t)
                let alpha = v / (((1 - iou) + v) + Self.diouEpsilon)
                d = d - alpha * v
            }
            return d
        }
    }

    /// `ρ² / (c² + 1e-7)`: DIoU's penalty, the squared centre distance over the squared enclosing diagonal.
    @inlinable
    public static func distancePenalty(_ a: Box, _ b: Box) -> Float {
        let cw = max(max(a.x2, b.x2) - min(a.x1, b.x1), 0)
        let ch = max(max(a.y2, b.y2) - min(a.y1, b.y1), 0)
        let c2 = cw * cw + ch * ch
        let dx = (a.x1 + a.x2) / 2 - (b.x1 + b.x2) / 2
        let dy = (a.y1 + a.y2) / 2 - (b.y1 + b.y2) / 2
        let rho2 = dx * dx + dy * dy
        return rho2 / (c2 + diouEpsilon)
    }

    /// `atan(w / h)`, the aspect-ratio angle CIoU compares.
    @inlinable
    public static func aspectAngle(_ b: Box, _ convention: BoxConvention = .continuous) -> Float {
        let o = convention.offset
        return atan((b.x2 - b.x1 + o) / (b.y2 - b.y1 + o))
    }

    /// The `eps` torchvision adds to DIoU's and CIoU's denominators.
    public static let diouEpsilon: Float = 1e-7
    @usableFromInline static let fourOverPiSquared: Float = 0.40528473456935108578

    // The same comparisons as the C kernels (`a > b ? a : b`), so signed zeros and ties round identically.
    @inlinable @inline(__always) static func max(_ a: Float, _ b: Float) -> Float { a > b ? a : b }
    @inlinable @inline(__always) static func min(_ a: Float, _ b: Float) -> Float { a < b ? a : b }
}

extension Box {
    /// Intersection over union with another box (see ``OverlapKind/iou``).
    @inlinable
    public func iou(_ other: Box, convention: BoxConvention = .continuous) -> Float {
        OverlapKind.iou.value(self, other, convention: convention)
    }
}

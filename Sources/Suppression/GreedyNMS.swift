import Boxes

/// Greedy non-maximum suppression, with IoU (`nms`), DIoU (`diou`), CIoU (`ciou`) or IoS (`nms:overlap=ios`) as
/// the criterion.
///
/// Walk the boxes by score, descending (equal scores: lower input index first). Keep box `i` unless it has been
/// suppressed; then suppress every later box `j` with `criterion(i, j) > iouThreshold` (strictly greater, so a
/// value exactly at the threshold is kept). Zero-area boxes have IoU 0 with everything and are never suppressed.
///
/// - `nms` equals `torchvision.ops.nms` / `batched_nms`: same kept indices, same order.
/// - `diou` (Zheng et al., "Distance-IoU Loss", AAAI 2020, arXiv 1911.08287) suppresses when
///   `IoU - (ρ²/c²)^β > iouThreshold`; with `β = 1` that is `torchvision.ops.distance_box_iou(i, j) > t`.
/// - `ciou` suppresses when `torchvision.ops.complete_box_iou(i, j) > t`. No published CIoU-NMS exists;
///   DetectKit defines it this way.
/// - On oriented boxes (``SuppressionGroup/rotated``) `nms` compares the exact IoU of the rectangles (or their IoS),
///   and `nms:overlap=probiou` ProbIoU on either geometry (``RotatedNMS``); DIoU and CIoU have no oriented form.
/// - `nms:overlap=ios` suppresses when the intersection over the smaller area exceeds `t`: a box lying mostly
///   inside a kept one goes, as tiles' partial boxes should. The rule stays this one (strictly above, score
///   order); SAHI's `NMSPostprocess` suppresses at `≥` and breaks score ties by coordinates.
///
/// Defaults: `iouThreshold` 0.5, `β` 1.
///
/// The fast path checks each candidate only against the kept boxes that share a cell of a `SpatialGrid`
/// with it (every criterion needs a positive intersection), so it is about linear in the number of boxes
/// when they are spread over the image; ``reference(_:)`` is the plain quadratic scan of torchvision.
public struct GreedyNMS: ReferencedSuppressor {
    /// Suppress when `criterion(kept, candidate) > iouThreshold`, in [0, 1].
    public var iouThreshold: Float
    /// What is compared with the threshold.
    public var criterion: SuppressionCriterion

    /// Greedy NMS with the given threshold and criterion.
    public init(iouThreshold: Float = SuppressionMethod.Kind.nms.defaultValue(.threshold), criterion: SuppressionCriterion = .iou) {
        self.iouThreshold = iouThreshold
        self.criterion = criterion
    }

    /// `nms`: torchvision's NMS.
    public static func nms(iouThreshold: Float = SuppressionMethod.Kind.nms.defaultValue(.threshold)) -> GreedyNMS { GreedyNMS(iouThreshold: iouThreshold) }
    /// `diou`: DIoU-NMS with penalty exponent `beta`.
    public static func diou(
        iouThreshold: Float = SuppressionMethod.Kind.diou.defaultValue(.threshold), beta: Float = SuppressionMethod.Kind.diou.defaultValue(.beta)
    ) -> GreedyNMS {
        GreedyNMS(iouThreshold: iouThreshold, criterion: .diou(beta: beta))
    }
    /// `ciou`: CIoU-NMS.
    public static func ciou(iouThreshold: Float = SuppressionMethod.Kind.ciou.defaultValue(.threshold)) -> GreedyNMS {
        GreedyNMS(iouThreshold: iouThreshold, criterion: .ciou)
    }

    /// `nms`, `diou` or `ciou`.
    public var kind: SuppressionMethod.Kind {
        switch criterion {
        case .iou, .ios, .probIoU: return .nms
        case .diou: return .diou
        case .ciou: return .ciou
        }
    }

    /// The method's name.
    public var name: String { kind.rawValue }

    /// Whether the criterion has an oriented form (IoU, IoS, ProbIoU).
    public var acceptsOrientedBoxes: Bool { criterion.measure != nil }

    /// The kept boxes, unchanged, in score order.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        if let o = try oriented(group) {
            return RotatedNMS.greedy(o.boxes, scores: group.scores, threshold: iouThreshold, overlap: o.measure)
                .map { group.kept($0) }
        }
        return keptPositions(group, useGrid: group.count > 32).map { group.kept($0) }
    }

    /// The group's oriented overlaps when it is oriented or the criterion is ProbIoU.
    private func oriented(_ group: SuppressionGroup) throws -> OrientedOverlaps? {
        try OrientedOverlaps(group, measure: criterion.measure, method: name, axisAligned: [.iou, .ios])
    }

    func validate() throws {
        try Check.unitInterval("iou threshold", iouThreshold)
        try criterion.validate()
    }

    /// Positions of the kept boxes in score order; `useGrid: false` checks every candidate against every kept box.
    package func keptPositions(_ g: SuppressionGroup, useGrid: Bool) -> [Int] {
        let threshold = iouThreshold, criterion = criterion, convention = g.convention
        return g.boxes.withColumns { boxes in
            var kept: [Int] = []
            guard useGrid else {
                for p in g.order {
                    let b = boxes[p]
                    if !kept.contains(where: { criterion.value(boxes[$0], b, convention: convention) > threshold }) {
                        kept.append(p)
                    }
                }
                return kept
            }
            var grid = SpatialGrid(covering: g.boxes, convention: convention)
            for p in g.order {
                let b = boxes[p]
                var suppressed = false
                grid.visit(near: b) { k in
                    if criterion.value(boxes[k], b, convention: convention) > threshold {
                        suppressed = true
                        return false
                    }
                    return true
                }
                if !suppressed {
                    kept.append(p)
                    grid.insert(p, b)
                }
            }
            return kept
        }
    }

    /// The plain scalar reference: torchvision's CPU loop over all later boxes.
    public func reference(_ g: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        if let o = try oriented(g) {
            return RotatedNMS.reference(fast: false, o.boxes, scores: g.scores, threshold: iouThreshold, overlap: o.measure)
                .map { g.kept($0) }
        }
        var suppressed = [Bool](repeating: false, count: g.count)
        var out: [GroupSelection] = []
        for (rank, i) in g.order.enumerated() where !suppressed[i] {
            out.append(g.kept(i))
            for j in g.order[(rank + 1)...] where !suppressed[j] {
                if criterion.value(g.boxes[i], g.boxes[j], convention: g.convention) > iouThreshold {
                    suppressed[j] = true
                }
            }
        }
        return out
    }
}

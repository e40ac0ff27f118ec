import Boxes

/// Fast NMS (Bolya et al., "YOLACT: Real-time Instance Segmentation", ICCV 2019): with boxes sorted by score and
/// `X = triu(IoU(boxes, boxes), 1)`, box `j` is kept when `max_i X_ij <= iouThreshold`. A box is dropped when any
/// higher-scored box overlaps it above the threshold, whether that box was kept or not, so Fast NMS keeps at most
/// what greedy NMS keeps; it is the first round of Cluster-NMS. Ultralytics' `TorchNMS.fast_nms` computes it (and
/// its OBB post-processing runs it on ProbIoU: ``RotatedNMS``). Default `iouThreshold` 0.5. Oriented groups, and
/// ProbIoU on either geometry, run ``RotatedNMS/fast(_:scores:threshold:overlap:)``.
///
/// The fast path puts every box in a `SpatialGrid` and asks, for each box, whether a higher-ranked neighbour exceeds
/// the threshold; ``reference(_:)`` builds the dense matrix.
public struct FastNMS: ReferencedSuppressor {
    /// Suppress when the overlap is above this, in [0, 1].
    public var iouThreshold: Float
    /// How boxes overlap: IoU, or ProbIoU (`fast-nms:overlap=probiou`, Ultralytics' OBB post-processing).
    public var overlap: OverlapMeasure

    /// Fast NMS with the given threshold and overlap.
    public init(iouThreshold: Float = SuppressionMethod.Kind.fastNMS.defaultValue(.threshold), overlap: OverlapMeasure = .iou) {
        self.iouThreshold = iouThreshold
        self.overlap = overlap
    }

    /// True: oriented groups run ``RotatedNMS/fast(_:scores:threshold:overlap:)``.
    public var acceptsOrientedBoxes: Bool { true }

    /// `fast-nms`.
    public var kind: SuppressionMethod.Kind { .fastNMS }
    /// The method's name.
    public var name: String { kind.rawValue }

    /// The kept boxes, unchanged.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        if let o = try OrientedOverlaps(group, measure: overlap, method: name) {
            return RotatedNMS.fast(o.boxes, scores: group.scores, threshold: iouThreshold, overlap: o.measure).map { group.kept($0) }
        }
        var rank = [Int](repeating: 0, count: group.count)
        for (r, p) in group.order.enumerated() { rank[p] = r }
        var grid = SpatialGrid(covering: group.boxes, convention: group.convention)
        for p in group.order.reversed() { grid.insert(p, group.boxes[p]) }
        return group.order.filter { j in
            let b = group.boxes[j]
            var suppressed = false
            grid.visit(near: b) { i in
                if rank[i] < rank[j] && SuppressionCriterion.iou.value(group.boxes[i], b, convention: group.convention) > iouThreshold {
                    suppressed = true
                    return false
                }
                return true
            }
            return !suppressed
        }.map { group.kept($0) }
    }

    /// Plain reference: the dense upper-triangular IoU matrix and its column maxima.
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        if let o = try OrientedOverlaps(group, measure: overlap, method: name) {
            return RotatedNMS.reference(fast: true, o.boxes, scores: group.scores, threshold: iouThreshold, overlap: o.measure)
                .map { group.kept($0) }
        }
        let order = group.order
        return order.indices.filter { j in
            (0..<j).allSatisfy { i in
                SuppressionCriterion.iou.value(group.boxes[order[i]], group.boxes[order[j]], convention: group.convention) <= iouThreshold
            }
        }.map { group.kept(order[$0]) }
    }

    func validate() throws {
        try Check.unitInterval("iou threshold", iouThreshold)
    }
}

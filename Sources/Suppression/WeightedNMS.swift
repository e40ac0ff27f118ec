import Boxes

/// Weighted NMS (Zhou, Li, Ning, Tang, "CAD: Scale Invariant Framework for Real-Time Object Detection",
/// ICCV 2017 Workshops), greedy form: instead of keeping the top box unchanged, output the weighted mean of it
/// and the boxes it suppresses.
///
/// Repeat: `M` = highest-scoring remaining box (ties: lower input index); its cluster is `M` plus every remaining
/// `b` with `IoU(M, b) > iouThreshold`; with weights `w_b = s_b · IoU(M, b)` (`w_M = s_M`), emit
///
///     box = Σ_b w_b · b / Σ_b w_b          score = s_M
///
/// and remove the whole cluster. Sums run in `Double`, `M` first, then members by input index. A cluster whose
/// weights sum to 0 or less (a top score of 0, negative scores) emits `M`'s box unchanged.
/// Default `iouThreshold` 0.55 (ensemble-boxes' `non_maximum_weighted`).
///
/// On oriented groups the overlaps are those of the oriented boxes (`OverlapMeasure`, in Boxes; ProbIoU with
/// `overlap=probiou`, on either geometry) and the fused box is the weighted mean of `(cx, cy, w, h, θ)` with every
/// member written at the angle nearest to `M`'s (`RotatedBoxSum`); the fast path is the reference's loop with far
/// pairs settled without computing their overlap.
public struct WeightedNMS: ReferencedSuppressor {
    /// A box joins the cluster of `M` when `IoU(M, b) > iouThreshold`, in [0, 1].
    public var iouThreshold: Float
    /// How boxes overlap: IoU, or ProbIoU (`weighted:overlap=probiou`).
    public var overlap: OverlapMeasure

    /// Weighted NMS with the given threshold and overlap.
    public init(iouThreshold: Float = SuppressionMethod.Kind.weighted.defaultValue(.threshold), overlap: OverlapMeasure = .iou) {
        self.iouThreshold = iouThreshold
        self.overlap = overlap
    }

    /// True.
    public var acceptsOrientedBoxes: Bool { true }

    /// `weighted`.
    public var kind: SuppressionMethod.Kind { .weighted }
    /// The method's name.
    public var name: String { kind.rawValue }

    /// One fused box per cluster, with its top box's score.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try Check.unitInterval("iou threshold", iouThreshold)
        if let o = try OrientedOverlaps(group, measure: overlap, method: name, floor: Double(iouThreshold)) {
            return clusters(group) { o($0, $1) }
        }
        var removed = [Bool](repeating: false, count: group.count)
        let index = CellIndex(group.boxes, convention: group.convention)
        var out: [GroupSelection] = []
        var members: [(position: Int, iou: Float)] = []
        for m in group.order where !removed[m] {
            removed[m] = true
            index.remove(m)
            members.removeAll(keepingCapacity: true)
            index.visit(overlapping: group.boxes[m]) { b, iou in
                if iou > iouThreshold { members.append((b, iou)) }
                return true
            }
            members.sort { $0.position < $1.position }
            for (b, _) in members {
                removed[b] = true
                index.remove(b)
            }
            out.append(fuse(group, m, members))
        }
        return out
    }

    /// Plain scalar reference (quadratic).
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try Check.unitInterval("iou threshold", iouThreshold)
        let o = try OrientedOverlaps(group, measure: overlap, method: name)
        return clusters(group) { o?($0, $1) ?? group.overlap(.iou, $0, $1) }
    }

    /// The greedy clustering with every remaining box compared with each `M` by `overlap(M, b)`.
    private func clusters(_ group: SuppressionGroup, overlap: (Int, Int) -> Float) -> [GroupSelection] {
        var removed = [Bool](repeating: false, count: group.count)
        var out: [GroupSelection] = []
        for m in group.order where !removed[m] {
            removed[m] = true
            var members: [(position: Int, iou: Float)] = []
            for b in 0..<group.count where !removed[b] {
                let iou = overlap(m, b)
                if iou > iouThreshold {
                    members.append((b, iou))
                    removed[b] = true
                }
            }
            out.append(fuse(group, m, members))
        }
        return out
    }

    private func fuse(_ g: SuppressionGroup, _ m: Int, _ members: [(position: Int, iou: Float)]) -> GroupSelection {
        if let r = g.rotated {
            var sum = RotatedBoxSum()
            sum.add(r[m], weight: Double(g.scores[m]))
            for (b, iou) in members { sum.add(r[b], weight: Double(g.scores[b]) * Double(iou)) }
            return GroupSelection(position: m, score: g.scores[m], rotated: sum.mean)
        }
        var sum = WeightedBoxSum()
        sum.add(g.boxes[m], weight: Double(g.scores[m]))
        for (b, iou) in members { sum.add(g.boxes[b], weight: Double(g.scores[b]) * Double(iou)) }
        return GroupSelection(position: m, score: g.scores[m], box: sum.mean)
    }
}

/// A running weighted sum of boxes, `Σ w·b` and `Σ w`, in `Double`.
struct WeightedBoxSum {
    private var weighted = SIMD4<Double>(repeating: 0)
    private(set) var totalWeight: Double = 0
    /// The first box added: the mean when the weights cannot make one.
    private var first: Box?

    mutating func add(_ b: Box, weight: Double) {
        weighted += weight * SIMD4<Double>(Double(b.x1), Double(b.y1), Double(b.x2), Double(b.y2))
        totalWeight += weight
        if first == nil { first = b }
    }

    /// `Σ w·b / Σ w`; the first box added when `Σ w ≤ 0` (scores of 0, or negative ones) or the mean does not fit
    /// a `Float`, so that a fused box is never NaN or infinite.
    var mean: Box {
        let v = weighted / totalWeight
        let box = Box(x1: Float(v.x), y1: Float(v.y), x2: Float(v.z), y2: Float(v.w))
        guard totalWeight > 0, box.isFinite else { return first ?? box }
        return box
    }
}

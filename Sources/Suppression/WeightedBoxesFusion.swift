import Boxes

/// Weighted Boxes Fusion (Solovyev, Wang, Gabruseva, "Weighted boxes fusion: Ensembling boxes from different
/// object detection models", Image and Vision Computing 2021, arXiv 1910.13302), `conf_type` avg.
///
/// Boxes are taken by score, descending. Each joins the existing cluster whose *current fused box* overlaps it
/// most, if that IoU is `> iouThreshold` (first cluster on ties), and the fused box is updated at once;
/// otherwise it starts a new cluster. For a cluster of `T` boxes, from `M` models in the whole input:
///
///     box   = Σ s_i · b_i / Σ s_i
///     score = (Σ s_i / T) · min(T, M) / M
///
/// Equal to `ensemble_boxes.weighted_boxes_fusion` (v1.0.9, unit weights) for boxes inside [0, 1]; the optional
/// `model` field of a record names its model (absent: one model). Default `iouThreshold` 0.55. A cluster whose
/// scores sum to 0 or less keeps its first box as the fused box (ensemble-boxes would divide by zero).
///
/// On oriented groups (and with `overlap=probiou` on either geometry) clusters are matched by the overlap of the
/// oriented boxes (`OverlapMeasure`, in Boxes) and fused as the score-weighted mean of `(cx, cy, w, h, θ)`, every
/// member written at the angle nearest to the cluster's first box (`RotatedBoxSum`; ensemble-boxes has no
/// oriented WBF); the fast path is the reference's loop with far pairs settled without computing their overlap.
public struct WeightedBoxesFusion: ReferencedSuppressor {
    /// A box joins a cluster when its IoU with the fused box is above this, in [0, 1].
    public var iouThreshold: Float
    /// How boxes overlap: IoU, or ProbIoU (`wbf:overlap=probiou`).
    public var overlap: OverlapMeasure

    /// WBF with the given threshold and overlap.
    public init(iouThreshold: Float = SuppressionMethod.Kind.wbf.defaultValue(.threshold), overlap: OverlapMeasure = .iou) {
        self.iouThreshold = iouThreshold
        self.overlap = overlap
    }

    /// True.
    public var acceptsOrientedBoxes: Bool { true }

    /// `wbf`.
    public var kind: SuppressionMethod.Kind { .wbf }
    /// The method's name.
    public var name: String { kind.rawValue }

    /// One fused box per cluster, reported at its first (highest-scoring) member.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try Check.unitInterval("iou threshold", iouThreshold)
        if let o = try OrientedOverlaps(group, measure: overlap, method: name, floor: Double(iouThreshold)) {
            return oriented(group, o)
        }
        var clusters: [Cluster] = []
        var seen: [Int32] = []
        var grid = SpatialGrid(covering: group.boxes, convention: group.convention)
        for p in group.order {
            let b = group.boxes[p]
            var best = -1
            var bestIoU = iouThreshold
            grid.visit(near: b) { k in
                if seen[k] != Int32(p) {
                    seen[k] = Int32(p)
                    let iou = OverlapKind.iou.value(clusters[k].fused, b, convention: group.convention)
                    if iou > bestIoU || (iou == bestIoU && best >= 0 && k < best) {
                        bestIoU = iou
                        best = k
                    }
                }
                return true
            }
            if best < 0 {
                clusters.append(Cluster(head: p, box: b, score: group.scores[p]))
                seen.append(-1)
                grid.insert(clusters.count - 1, b)
            } else {
                clusters[best].add(b, score: group.scores[p])
                // The fused box stays inside the members' hull: keep the cluster in every cell the hull reaches.
                if !clusters[best].indexed.contains(clusters[best].hull) {
                    grid.insert(best, clusters[best].hull)
                    clusters[best].indexed = clusters[best].hull
                }
            }
        }
        return clusters.map { $0.selection(models: group.modelCount) }
    }

    /// Plain reference: every cluster's fused box recomputed from its members, every cluster compared.
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try Check.unitInterval("iou threshold", iouThreshold)
        if let o = try OrientedOverlaps(group, measure: overlap, method: name) { return oriented(group, o) }
        let found = clusters(group, box: { group.boxes[$0] }, overlap: { OverlapKind.iou.value($0, group.boxes[$1], convention: group.convention) }) {
            var sum = WeightedBoxSum()
            for q in $0 { sum.add(group.boxes[q], weight: Double(group.scores[q])) }
            return sum.mean
        }
        return found.map { GroupSelection(position: $0.members[0], score: confidence(group, $0.members), box: $0.fused) }
    }

    /// Oriented clusters, fused as `RotatedBoxSum`s (the fast path's `overlaps` settle far pairs as 0).
    private func oriented(_ group: SuppressionGroup, _ overlaps: OrientedOverlaps) -> [GroupSelection] {
        let found = clusters(group, box: { overlaps.boxes[$0] }, overlap: { overlaps($0, $1) }) {
            var sum = RotatedBoxSum()
            for q in $0 { sum.add(overlaps.boxes[q], weight: Double(group.scores[q])) }
            return sum.mean
        }
        return found.map { c in
            let score = confidence(group, c.members)
            return group.rotated == nil
                ? GroupSelection(position: c.members[0], score: score, box: c.fused.enclosingBox)
                : GroupSelection(position: c.members[0], score: score, rotated: c.fused)
        }
    }

    /// The clustering: boxes by score, each joining the cluster whose fused box overlaps it most above the
    /// threshold (the first on a tie), the fused box `mean(members)` recomputed at once.
    private func clusters<Shape>(
        _ group: SuppressionGroup, box: (Int) -> Shape, overlap: (Shape, Int) -> Float, mean: ([Int]) -> Shape
    ) -> [(members: [Int], fused: Shape)] {
        var members: [[Int]] = []
        var fused: [Shape] = []
        for p in group.order {
            var best = -1
            var bestIoU = iouThreshold
            for (k, f) in fused.enumerated() {
                let iou = overlap(f, p)
                if iou > bestIoU {
                    bestIoU = iou
                    best = k
                }
            }
            if best < 0 {
                members.append([p])
                fused.append(box(p))
            } else {
                members[best].append(p)
                fused[best] = mean(members[best])
            }
        }
        return Array(zip(members, fused))
    }

    /// The cluster's score `(Σ s / T) · min(T, M) / M`.
    private func confidence(_ group: SuppressionGroup, _ members: [Int]) -> Float {
        Cluster.confidence(members.reduce(0.0) { $0 + Double(group.scores[$1]) }, count: members.count, models: group.modelCount)
    }

    /// A cluster being fused: running sums, the fused box and the hull of its members.
    private struct Cluster {
        let head: Int
        var sum = WeightedBoxSum()
        var count = 0
        var fused: Box
        var hull: Box
        /// The box the cluster was last stored in the grid under.
        var indexed: Box
        var scoreTotal: Double = 0

        init(head: Int, box: Box, score: Float) {
            self.head = head
            fused = box
            hull = box
            indexed = box
            add(box, score: score)
        }

        mutating func add(_ b: Box, score: Float) {
            sum.add(b, weight: Double(score))
            scoreTotal += Double(score)
            count += 1
            fused = count == 1 ? b : sum.mean
            hull = Box(
                x1: Swift.min(hull.x1, b.x1), y1: Swift.min(hull.y1, b.y1),
                x2: Swift.max(hull.x2, b.x2), y2: Swift.max(hull.y2, b.y2))
        }

        /// `(Σ s / T) · min(T, M) / M`.
        static func confidence(_ total: Double, count: Int, models: Int) -> Float {
            Float(total / Double(count) * Double(Swift.min(count, models)) / Double(models))
        }

        func selection(models: Int) -> GroupSelection {
            GroupSelection(
                position: head, score: Self.confidence(scoreTotal, count: count, models: models), box: fused)
        }
    }
}

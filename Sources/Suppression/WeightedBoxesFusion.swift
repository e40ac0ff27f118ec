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
public struct WeightedBoxesFusion: ReferencedSuppressor {
    /// A box joins a cluster when its IoU with the fused box is above this, in [0, 1].
    public var iouThreshold: Float

    /// WBF with the given threshold.
    public init(iouThreshold: Float = SuppressionMethod.Kind.wbf.defaultValue(.threshold)) {
        self.iouThreshold = iouThreshold
    }

    /// `wbf`.
    public var kind: SuppressionMethod.Kind { .wbf }
    /// The method's name.
    public var name: String { kind.rawValue }

    /// One fused box per cluster, reported at its first (highest-scoring) member.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try Check.unitInterval("iou threshold", iouThreshold)
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
        var members: [[Int]] = []
        var fused: [Box] = []
        for p in group.order {
            let b = group.boxes[p]
            var best = -1
            var bestIoU = iouThreshold
            for (k, f) in fused.enumerated() {
                let iou = OverlapKind.iou.value(f, b, convention: group.convention)
                if iou > bestIoU {
                    bestIoU = iou
                    best = k
                }
            }
            if best < 0 {
                members.append([p])
                fused.append(b)
            } else {
                members[best].append(p)
                var sum = WeightedBoxSum()
                for q in members[best] { sum.add(group.boxes[q], weight: Double(group.scores[q])) }
                fused[best] = sum.mean
            }
        }
        return zip(members, fused).map { cluster, box in
            let total = cluster.reduce(0.0) { $0 + Double(group.scores[$1]) }
            return GroupSelection(
                position: cluster[0], score: Cluster.confidence(total, count: cluster.count, models: group.modelCount),
                box: box)
        }
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

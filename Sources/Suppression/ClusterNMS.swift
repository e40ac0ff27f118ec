import Boxes

/// Cluster-NMS (Zheng et al., "Enhancing Geometric Factors in Model Learning and Inference for Object Detection
/// and Instance Segmentation", IEEE TCYB 2021, arXiv 2005.03572): greedy NMS computed as a parallel fixed-point
/// iteration over the IoU matrix instead of a sequential scan.
///
/// With boxes sorted by score and `X = triu(criterion(boxes, boxes), 1)`:
///
///     B = X
///     repeat:  A = B;  keep_j = (max_i A_ij <= iouThreshold);  B = X · diag(keep)  (zero suppressed rows)
///     until A == B
///
/// A box is kept when no kept higher-scoring box suppresses it; the iteration converges in as many rounds as
/// the longest suppression chain, and its result equals ``GreedyNMS`` exactly (with ``SuppressionCriterion/diou(beta:)``,
/// DIoU-NMS). Default `iouThreshold` 0.5.
///
/// The fast path runs the same iteration sparsely: each round rebuilds a `SpatialGrid` of the boxes kept so
/// far and asks, for each box, whether a kept higher-ranked neighbour exceeds the threshold, until the kept set
/// stops changing. ``reference(_:)`` builds the dense matrices. Oriented groups, and ProbIoU on either geometry,
/// run ``RotatedNMS/greedy(_:scores:threshold:overlap:)``, the iteration's fixed point.
public struct ClusterNMS: ReferencedSuppressor {
    /// Suppress when `criterion > iouThreshold`, in [0, 1].
    public var iouThreshold: Float
    /// What is compared with the threshold.
    public var criterion: SuppressionCriterion

    /// Cluster-NMS with the given threshold and criterion.
    public init(iouThreshold: Float = SuppressionMethod.Kind.cluster.defaultValue(.threshold), criterion: SuppressionCriterion = .iou) {
        self.iouThreshold = iouThreshold
        self.criterion = criterion
    }

    /// `cluster`.
    public var kind: SuppressionMethod.Kind { .cluster }
    /// The method's name.
    public var name: String { kind.rawValue }

    /// Whether the criterion has an oriented form (IoU, IoS, ProbIoU).
    public var acceptsOrientedBoxes: Bool { criterion.measure != nil }

    /// The kept boxes, unchanged.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        if let o = try oriented(group) {
            // The fixed point is greedy NMS's result (the reference below iterates to it).
            return RotatedNMS.greedy(o.boxes, scores: group.scores, threshold: iouThreshold, overlap: o.measure)
                .map { group.kept($0) }
        }
        let n = group.count
        var rank = [Int](repeating: 0, count: n)
        for (r, p) in group.order.enumerated() { rank[p] = r }
        var keep = [Bool](repeating: true, count: n)
        while true {
            var grid = SpatialGrid(covering: group.boxes, convention: group.convention)
            for p in group.order.reversed() where keep[p] { grid.insert(p, group.boxes[p]) }
            var next = keep
            for j in 0..<n {
                let b = group.boxes[j]
                var suppressed = false
                grid.visit(near: b) { i in
                    if rank[i] < rank[j]
                        && criterion.value(group.boxes[i], b, convention: group.convention) > iouThreshold
                    {
                        suppressed = true
                        return false
                    }
                    return true
                }
                next[j] = !suppressed
            }
            if next == keep { break }
            keep = next
        }
        return group.order.filter { keep[$0] }.map { group.kept($0) }
    }

    /// The group's oriented overlaps when it is oriented or the criterion is ProbIoU.
    private func oriented(_ group: SuppressionGroup) throws -> OrientedOverlaps? {
        try OrientedOverlaps(group, measure: criterion.measure, method: name, axisAligned: [.iou, .ios])
    }

    /// Plain reference: the dense matrix iteration of the authors' code, without its 200-round cap.
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try validate()
        let oriented = try oriented(group)
        let order = group.order, n = order.count
        var x = [[Float]](repeating: [Float](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                x[i][j] = oriented.map { $0(order[i], order[j]) }
                    ?? criterion.value(group.boxes[order[i]], group.boxes[order[j]], convention: group.convention)
            }
        }
        func columnMaxima(_ m: [[Float]]) -> [Float] {
            (0..<n).map { j in (0..<n).reduce(-Float.infinity) { Swift.max($0, m[$1][j]) } }
        }
        var b = x
        var a: [[Float]]
        repeat {
            a = b
            let keep = columnMaxima(a).map { $0 <= iouThreshold }
            b = (0..<n).map { i in keep[i] ? x[i] : [Float](repeating: 0, count: n) }
        } while a != b
        let keep = columnMaxima(a).map { $0 <= iouThreshold }
        return (0..<n).filter { keep[$0] }.map { group.kept(order[$0]) }
    }

    func validate() throws {
        try Check.unitInterval("iou threshold", iouThreshold)
        try criterion.validate()
    }
}

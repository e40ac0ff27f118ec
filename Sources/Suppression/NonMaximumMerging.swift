import Boxes

/// Non-maximum merging (NMM), the way SAHI merges the predictions of overlapping tiles
/// (`sahi.postprocess.combine.GreedyNMMPostprocess` and `NMMPostprocess`, SAHI 0.12): overlapping boxes are not
/// dropped but merged into the box that encloses them all.
///
/// Boxes are ranked by score, descending, then by `x1`, `y1`, `x2`, `y2` ascending, then by input position
/// (SAHI's `np.lexsort` order). Two boxes *match* when `overlap(a, b) ≥ threshold`, with `overlap` IoU or IoS
/// (intersection over the smaller area) in `Float`. Then:
/// - ``Variant/greedy`` (`greedy-nmm`): walking the ranking, each box not yet taken becomes a keeper and takes
///   every later box, not yet taken, that matches it (no chains).
/// - ``Variant/transitive`` (`nmm`): walking the ranking, a box not yet taken becomes a keeper; every box, keeper
///   or taken, then takes for its keeper each box not yet taken (in input order) that matches it and that it
///   *dominates*: a lower score, or an equal score and coordinates `(x1, y1, x2, y2)` not lexicographically
///   smaller. So chains form (A takes B, B takes C), and boxes of equal score with different coordinates never
///   take each other.
///
/// Each keeper starts as itself and absorbs its taken boxes in the order they were taken: a box is absorbed only
/// if it still matches the grown box (the test redone in `Double`), else it is dropped; absorbing makes the box
/// the union of both, the score the higher one, and the category that of the absorbed box when its score is not
/// lower (SAHI's `merge_object_prediction_pair`). One detection per keeper.
///
/// A threshold of 0 matches every pair, disjoint boxes included, as SAHI does. The fixture tests hold both
/// variants equal to SAHI's numpy backend (boxes, scores and categories); SAHI's numba backend computes the
/// ranking's overlaps in `Double` and can differ on overlaps within a rounding of the threshold.
///
/// On oriented groups (and with `overlap=probiou` on either geometry) boxes match by the overlap of the oriented
/// boxes (`OverlapMeasure`, in Boxes; ties in the ranking by the enclosing boxes' coordinates) and a keeper grows into
/// the smallest rectangle at its own angle that holds what it absorbs; the fast path tests every pair, far pairs
/// settled without computing their overlap.
public struct NonMaximumMerging: ReferencedSuppressor {
    /// Which of SAHI's two merging walks.
    public enum Variant: String, Sendable, CaseIterable {
        /// `GreedyNMMPostprocess`: a keeper takes only the boxes that match it.
        case greedy
        /// `NMMPostprocess`: taken boxes take further boxes for their keeper.
        case transitive
    }

    /// Greedy or transitive.
    public var variant: Variant
    /// The overlap that makes boxes match: `.iou`, `.ios`, or `.probIoU`.
    public var overlap: OverlapMeasure
    /// Boxes match when their overlap is at least this, in [0, 1].
    public var threshold: Float

    /// A merging method; SAHI's sliced prediction merges greedily on IoS at 0.5, the defaults.
    public init(
        _ variant: Variant = .greedy, overlap: OverlapMeasure = .ios,
        threshold: Float = SuppressionMethod.Kind.greedyNMM.defaultValue(.threshold)
    ) {
        self.variant = variant
        self.overlap = overlap
        self.threshold = threshold
    }

    /// `greedy-nmm` or `nmm`.
    public var kind: SuppressionMethod.Kind { variant == .greedy ? .greedyNMM : .nmm }
    /// The method's name.
    public var name: String { kind.rawValue }

    /// True.
    public var acceptsOrientedBoxes: Bool { true }

    /// The merged detections, using a spatial index to find the boxes that can match.
    public func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try Check.unitInterval("threshold", threshold)
        // At threshold 0 disjoint boxes match too, which nothing can narrow down.
        guard threshold > 0 else { return try reference(group) }
        // Pairs at or below the Float just under the threshold never match.
        if let o = try OrientedOverlaps(group, measure: overlap, method: name, axisAligned: [.iou, .ios], floor: Double(threshold.nextDown)) {
            return try merged(group, o) { box, accept in
                for other in 0..<group.count { accept(other, o(box, other)) }
            } removing: { _ in }
        }
        let index = CellIndex(group.boxes, convention: group.convention)
        let kind: OverlapKind = overlap == .iou ? .iou : .ios
        return try merged(group, nil) { box, accept in
            index.visit(kind, of: group.boxes[box], atLeast: threshold, accept)
        } removing: { index.remove($0) }
    }

    /// Plain scalar reference: every pair is tested.
    public func reference(_ group: SuppressionGroup) throws -> [GroupSelection] {
        try Check.unitInterval("threshold", threshold)
        let o = try OrientedOverlaps(group, measure: overlap, method: name, axisAligned: [.iou, .ios])
        let kind: OverlapKind = overlap == .iou ? .iou : .ios
        return try merged(group, o) { box, accept in
            for other in 0..<group.count { accept(other, o?(box, other) ?? group.overlap(kind, box, other)) }
        } removing: { _ in }
    }

    /// The keepers grown by what they took (``take(_:candidates:removing:)``), on the oriented boxes of `oriented`
    /// when given.
    private func merged(
        _ g: SuppressionGroup, _ oriented: OrientedOverlaps?, candidates: (Int, (Int, Float) -> Void) -> Void,
        removing: (Int) -> Void
    ) throws -> [GroupSelection] {
        try take(g, candidates: candidates, removing: removing).map {
            if let oriented { return absorb(g, oriented, $0.keeper, $0.taken) }
            return absorb(g, $0.keeper, $0.taken)
        }
    }

    /// The keepers in ranking order, each with the boxes it took in order. `candidates(box, accept)` must call
    /// `accept(other, overlap)` at least for every box not yet taken whose overlap with `box` reaches the
    /// threshold (more is harmless); `removing` is told each box as it is taken or becomes a keeper.
    private func take(
        _ g: SuppressionGroup, candidates: (Int, (Int, Float) -> Void) -> Void, removing: (Int) -> Void
    ) throws -> [(keeper: Int, taken: [Int])] {
        let ranking = Self.ranking(g)
        let n = g.count
        // Raw buffers: the candidate callback runs once per overlapping pair, the hot path.
        let rank = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        let owner = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        let found = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        defer {
            rank.deallocate()
            owner.deallocate()
            found.deallocate()
        }
        for (r, p) in ranking.enumerated() { rank[p] = r }
        owner.initialize(repeating: -1)
        var lists = [[Int]](repeating: [], count: n)
        var keepers: [Int] = []
        for current in ranking {
            if variant == .greedy, owner[current] >= 0 { continue }
            if owner[current] < 0 {
                owner[current] = current
                keepers.append(current)
                removing(current)
            }
            let keeper = owner[current]
            var count = 0
            let currentRank = rank[current]
            candidates(current) { other, value in
                guard owner[other] < 0, other != current, value >= threshold else { return }
                if variant == .greedy ? rank[other] > currentRank : dominates(g, current, other) {
                    found[count] = other
                    count += 1
                }
            }
            // Greedy: in ranking order (SAHI's candidate list); transitive: in input order (its `np.where`).
            var taken = UnsafeMutableBufferPointer(rebasing: found[0..<count])
            if variant == .greedy { taken.sort { rank[$0] < rank[$1] } } else { taken.sort() }
            for other in taken where owner[other] < 0 {
                owner[other] = keeper
                lists[keeper].append(other)
                removing(other)
            }
        }
        return keepers.map { ($0, lists[$0]) }
    }

    /// Score descending, then `x1`, `y1`, `x2`, `y2` ascending, then position (SAHI's `np.lexsort` order): the
    /// group's score order (ties in input order) with each run of equal scores sorted by coordinates.
    static func ranking(_ g: SuppressionGroup) -> [Int] {
        var order = g.order
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, g.scores[order[end]] == g.scores[order[start]] { end += 1 }
            if end - start > 1 {
                order[start..<end].sort { coordinateOrder(g.boxes[$0], g.boxes[$1]) ?? ($0 < $1) }
            }
            start = end
        }
        return order
    }

    /// Whether `p` comes before `q` by `x1`, `y1`, `x2`, `y2`, ascending; nil when all four are equal.
    @inline(__always)
    private static func coordinateOrder(_ p: Box, _ q: Box) -> Bool? {
        if p.x1 != q.x1 { return p.x1 < q.x1 }
        if p.y1 != q.y1 { return p.y1 < q.y1 }
        if p.x2 != q.x2 { return p.x2 < q.x2 }
        if p.y2 != q.y2 { return p.y2 < q.y2 }
        return nil
    }

    /// Whether `a` may take `b` in the transitive walk: a lower score, or the same score and coordinates not
    /// lexicographically smaller than `b`'s.
    private func dominates(_ g: SuppressionGroup, _ a: Int, _ b: Int) -> Bool {
        if g.scores[a] != g.scores[b] { return g.scores[a] > g.scores[b] }
        return !(Self.coordinateOrder(g.boxes[a], g.boxes[b]) ?? false)
    }

    /// The oriented keeper grown by the boxes it took that still match it, in order: each into the smallest rectangle
    /// at the keeper's angle that holds both (`RotatedBox.enclosing(_:)`, in Boxes), the match redone on the grown box
    /// in `Double`; scores and categories as on axis-aligned boxes.
    private func absorb(_ g: SuppressionGroup, _ o: OrientedOverlaps, _ keeper: Int, _ taken: [Int]) -> GroupSelection {
        var box = o.boxes[keeper], score = g.scores[keeper], categoryFrom = keeper
        for other in taken {
            guard o.measure.value(box, o.boxes[other]) >= Double(threshold) else { continue }
            box = box.enclosing(o.boxes[other])
            if !(score > g.scores[other]) { categoryFrom = other }
            score = Swift.max(score, g.scores[other])
        }
        return g.rotated == nil
            ? GroupSelection(position: categoryFrom, score: score, box: box.enclosingBox)
            : GroupSelection(position: categoryFrom, score: score, rotated: box)
    }

    /// The keeper grown by the boxes it took that still match it, in order (SAHI's `_apply_merge`).
    private func absorb(_ g: SuppressionGroup, _ keeper: Int, _ taken: [Int]) -> GroupSelection {
        let o = Double(g.convention.offset)
        func corners(_ b: Box) -> SIMD4<Double> { SIMD4(Double(b.x1), Double(b.y1), Double(b.x2), Double(b.y2)) }
        func area(_ b: SIMD4<Double>) -> Double { (b.z - b.x + o) * (b.w - b.y + o) }
        var box = corners(g.boxes[keeper]), score = g.scores[keeper], categoryFrom = keeper
        for other in taken {
            let b = corners(g.boxes[other])
            let inter = Swift.max(Swift.min(box.z, b.z) - Swift.max(box.x, b.x) + o, 0) * Swift.max(Swift.min(box.w, b.w) - Swift.max(box.y, b.y) + o, 0)
            // No guard for an empty denominator: 0 / 0 is NaN, which matches nothing, as in SAHI.
            let value = overlap == .ios ? inter / Swift.min(area(box), area(b)) : inter / ((area(box) + area(b)) - inter)
            guard value >= Double(threshold) else { continue }
            box = SIMD4(Swift.min(box.x, b.x), Swift.min(box.y, b.y), Swift.max(box.z, b.z), Swift.max(box.w, b.w))
            if !(score > g.scores[other]) { categoryFrom = other }
            score = Swift.max(score, g.scores[other])
        }
        return GroupSelection(position: categoryFrom, score: score, box: Box(x1: Float(box.x), y1: Float(box.y), x2: Float(box.z), y2: Float(box.w)))
    }
}

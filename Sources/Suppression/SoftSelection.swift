import Boxes

/// The selection loop of Soft-NMS and Softer-NMS.
///
/// Repeat: pick the remaining box `M` with the highest current score (ties: lower input position); stop when
/// it is below the score threshold; emit what `pick` makes of it and of its overlapping remaining boxes; then
/// multiply the score of every remaining box `b` by `decay(IoU(M, b))` and drop those now below the threshold.
/// IoUs are always those of the original boxes.
enum SoftSelection {
    /// A remaining box overlapping the pick, with its IoU.
    typealias Neighbour = (position: Int, iou: Float)
    /// Makes the output of a pick from `M`, its current score and its overlapping remaining boxes (IoU > 0).
    typealias Pick = (_ m: Int, _ score: Float, _ neighbours: [Neighbour]) -> GroupSelection

    /// Fast path: a lazily corrected tournament tree of scores (``ScoreTree``) and a ``CellIndex`` that yields only the
    /// remaining boxes overlapping `M`, with their IoU. Neighbours come in ascending position only when
    /// `orderedNeighbours` is set (Soft-NMS's decays do not depend on their order; Softer-NMS's vote sums do).
    static func run(
        _ g: SuppressionGroup, orderedNeighbours: Bool, decay: (Float) -> Float, pick: Pick
    ) -> [GroupSelection] {
        let n = g.count
        let threshold = g.scoreThreshold
        let grid = CellIndex(g.boxes, convention: g.convention)
        let tree = ScoreTree(g.scores)
        var out: [GroupSelection] = []
        var neighbours: [Neighbour] = []
        // Working state on raw buffers: the loop below is the hot path.
        let current = UnsafeMutableBufferPointer<Float>.allocate(capacity: n)
        let alive = UnsafeMutableBufferPointer<Bool>.allocate(capacity: n)
        defer {
            current.deallocate()
            alive.deallocate()
        }
        _ = current.initialize(from: g.scores)
        alive.initialize(repeating: true)
        while let (score, m) = tree.best {
            // The tree is updated lazily: a key is never below its box's current score, so a root whose key
            // is current is the true maximum; a stale root is corrected and the match replayed.
            guard alive[m] else {
                tree.remove(m)
                continue
            }
            guard score == current[m] else {
                tree.lower(m, to: current[m])
                continue
            }
            if score < threshold { break }
            tree.remove(m)
            alive[m] = false
            neighbours.removeAll(keepingCapacity: true)
            grid.remove(m)
            grid.visit(overlapping: g.boxes[m]) { b, iou in
                neighbours.append((b, iou))
                return true
            }
            if orderedNeighbours { neighbours.sort { $0.position < $1.position } }
            out.append(pick(m, score, neighbours))
            for (b, iou) in neighbours {
                current[b] *= decay(iou)
                if current[b] < threshold {
                    alive[b] = false
                    grid.remove(b)
                }
            }
        }
        return out
    }

    /// Plain reference: a linear search for the maximum and a pass over every remaining box per pick, with
    /// `overlap(M, b)` for every remaining `b` (the oriented fast path gives one that settles far pairs as 0).
    static func reference(
        _ g: SuppressionGroup, overlap: (Int, Int) -> Float, decay: (Float) -> Float, pick: Pick
    ) -> [GroupSelection] {
        var current = g.scores
        var remaining = [Bool](repeating: true, count: g.count)
        var out: [GroupSelection] = []
        while true {
            var m = -1
            for i in 0..<g.count where remaining[i] && (m < 0 || current[i] > current[m]) { m = i }
            guard m >= 0, current[m] >= g.scoreThreshold else { break }
            remaining[m] = false
            var neighbours: [Neighbour] = []
            var ious = [Float](repeating: 0, count: g.count)
            for b in 0..<g.count where remaining[b] {
                ious[b] = overlap(m, b)
                if ious[b] > 0 { neighbours.append((b, ious[b])) }
            }
            out.append(pick(m, current[m], neighbours))
            for b in 0..<g.count where remaining[b] {
                current[b] *= decay(ious[b])
                if current[b] < g.scoreThreshold { remaining[b] = false }
            }
        }
        return out
    }
}

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
    /// Makes the output of a pick from `M`, its current score and its overlapping remaining boxes
    /// (IoU > 0, ascending position).
    typealias Pick = (_ m: Int, _ score: Float, _ neighbours: [Neighbour]) -> GroupSelection

    /// Fast path: a max-heap of current scores and a ``SpatialGrid`` that yields only boxes overlapping `M`.
    static func run(_ g: SuppressionGroup, decay: (Float) -> Float, pick: Pick) -> [GroupSelection] {
        let n = g.count
        let threshold = g.scoreThreshold
        var current = g.scores
        var alive = [Bool](repeating: true, count: n)
        var seen = [Int32](repeating: -1, count: n)
        var grid = SpatialGrid(covering: g.boxes, convention: g.convention)
        for i in 0..<n { grid.insert(i, g.boxes[i]) }
        var heap = ScoreHeap(current)
        var out: [GroupSelection] = []
        var neighbours: [Neighbour] = []
        while let (score, m) = heap.pop() {
            guard alive[m] && score == current[m] else { continue }  // stale entry
            if score < threshold { break }
            alive[m] = false
            let box = g.boxes[m]
            neighbours.removeAll(keepingCapacity: true)
            grid.visit(near: box) { b in
                guard alive[b] else { return .remove }
                if seen[b] != Int32(m) {
                    seen[b] = Int32(m)
                    let iou = OverlapKind.iou.value(box, g.boxes[b], convention: g.convention)
                    if iou > 0 { neighbours.append((b, iou)) }
                }
                return .next
            }
            neighbours.sort { $0.position < $1.position }
            out.append(pick(m, score, neighbours))
            for (b, iou) in neighbours {
                let decayed = current[b] * decay(iou)
                guard decayed != current[b] else { continue }
                current[b] = decayed
                if decayed < threshold { alive[b] = false } else { heap.push(decayed, b) }
            }
        }
        return out
    }

    /// Plain reference: a linear search for the maximum and a pass over every remaining box per pick.
    static func reference(_ g: SuppressionGroup, decay: (Float) -> Float, pick: Pick) -> [GroupSelection] {
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
                ious[b] = g.overlap(.iou, m, b)
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

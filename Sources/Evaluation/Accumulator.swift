/// pycocotools' `accumulate` for one category, area range and max-detections: precision at the recall points
/// and the final recall, per IoU threshold.
enum Accumulator {
    /// `np.spacing(1)`, added to the precision's denominator.
    static let spacing = 2.220446049250313e-16

    /// Calls `emit(t, recall, precisionAtRecallPoints)` per IoU threshold; emits nothing (the entries stay −1)
    /// when no image has results or no ground truth is left unignored.
    static func run(
        _ evaluated: [ImageMatcher.Result?], maxDetections: Int, parameters: EvaluationParameters,
        emit: (Int, Double, [Double]) -> Void
    ) {
        let results = evaluated.compactMap { $0 }
        guard !results.isEmpty else { return }
        // Concatenate each image's first maxDetections, then a stable sort by descending score.
        var entries: [(score: Double, image: Int, d: Int)] = []
        for (i, r) in results.enumerated() {
            for d in 0..<min(maxDetections, r.scores.count) { entries.append((r.scores[d], i, d)) }
        }
        let sorted = entries.indices.sorted { a, b in
            entries[a].score != entries[b].score ? entries[a].score > entries[b].score : a < b
        }.map { entries[$0] }
        let npig = results.reduce(0) { $0 + $1.gtIgnored.lazy.filter { !$0 }.count }
        guard npig > 0 else { return }
        let nd = sorted.count, recallPoints = parameters.recallThresholds
        var rc = [Double](repeating: 0, count: nd), pr = [Double](repeating: 0, count: nd)
        for t in parameters.iouThresholds.indices {
            var tp = 0.0, fp = 0.0
            for (j, e) in sorted.enumerated() {
                let r = results[e.image], D = r.scores.count
                if !r.ignored[t * D + e.d] {
                    if r.matches[t * D + e.d] != 0 { tp += 1 } else { fp += 1 }
                }
                rc[j] = tp / Double(npig)
                pr[j] = tp / (fp + tp + spacing)
            }
            let recall = nd > 0 ? rc[nd - 1] : 0
            var i = nd - 1
            while i > 0 {
                if pr[i] > pr[i - 1] { pr[i - 1] = pr[i] }
                i -= 1
            }
            // np.searchsorted(rc, recallPoints, side="left"); precision 0 from the first point past the end.
            var q = [Double](repeating: 0, count: recallPoints.count)
            var at = 0
            for (ri, point) in recallPoints.enumerated() {
                while at < nd && rc[at] < point { at += 1 }
                guard at < nd else { break }
                q[ri] = pr[at]
            }
            emit(t, recall, q)
        }
    }
}

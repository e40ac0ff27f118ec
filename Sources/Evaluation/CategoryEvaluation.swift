import COCO

/// The fast path of ``COCOEvaluation``: one category at a time, pycocotools' `evaluateImg` and `accumulate` with
/// every number computed by the same operations in the same order (so the results are bit-identical to
/// ``COCOEvaluation/reference(groundTruth:detections:parameters:)``, which follows pycocotools line by line), but
/// organised for speed:
/// - the category's detections are stable-sorted by descending score **once**, not once per area range and
///   max-detections; a max-detections cut keeps the entries with a smaller rank in their image, in the same order;
/// - each image's IoUs are computed once for the four area ranges, into buffers reused across images, and an image
///   without ground truth for the category skips matching (its detections are unmatched);
/// - matching writes a byte per (area, IoU threshold, detection) straight at the detection's place in that order:
///   true positive, false positive or ignored;
/// - accumulation walks those bytes, and divides only at true positives: the interpolated precision
///   `max(precision[i…])` at a recall point is reached at a true positive (a false positive or an ignored detection
///   never raises precision), and a recall point lands on the first true positive whose recall reaches it.
struct CategoryEvaluation {
    let parameters: EvaluationParameters

    /// What matching reads of an annotation, copied next to the category's others.
    struct Truth {
        /// Rank of its image among the images sorted by id.
        var image: Int
        var bbox: SIMD4<Double>
        var area: Double
        var id: Double
        var isCrowd: Bool
    }

    /// What matching and accumulation read of a detection, copied next to the category's others.
    struct Detection {
        /// Rank of its image among the images sorted by id.
        var image: Int
        /// Its position in the file, which breaks score ties.
        var index: Int
        var box: SIMD4<Double>
        var score: Double
    }

    private static let falsePositive: UInt8 = 0, truePositive: UInt8 = 1, ignoredDetection: UInt8 = 2

    /// One image of the category: positions of its ground truth in `gts` and of its kept detections in `dts`, and
    /// the concatenation index of its first detection.
    private struct Group {
        var gts: Range<Int>
        var dts: Range<Int>
        var firstEntry: Int
    }

    /// Evaluates one category: `gts` are its annotations and `dts` its detections, each sorted by image rank,
    /// ground truth in file order and detections by descending score (ties in file order) within an image. Calls
    /// `emit(t, a, m, recall, precisionAtRecallPoints)` for each defined entry.
    func run(
        gts: UnsafeBufferPointer<Truth>, dts: UnsafeBufferPointer<Detection>,
        emit: (_ t: Int, _ a: Int, _ m: Int, _ recall: Double, _ precision: UnsafeBufferPointer<Double>) -> Void
    ) {
        guard !gts.isEmpty || !dts.isEmpty else { return }
        let T = parameters.iouThresholds.count, A = parameters.areaRanges.count
        let cut = parameters.maxDetections.last ?? 0

        // The images and entries, in pycocotools' concatenation order (images by rank, then score in the image).
        var groups: [Group] = [], entryScore: [Double] = [], entryRank: [Int32] = []
        var g = 0, d = 0
        while g < gts.count || d < dts.count {
            let rank = min(g < gts.count ? gts[g].image : .max, d < dts.count ? dts[d].image : .max)
            let g0 = g, d0 = d
            while g < gts.count && gts[g].image == rank { g += 1 }
            while d < dts.count && dts[d].image == rank { d += 1 }
            let kept = d0..<min(d, d0 + cut)
            groups.append(Group(gts: g0..<g, dts: kept, firstEntry: entryScore.count))
            for (r, i) in kept.enumerated() {
                entryScore.append(dts[i].score)
                entryRank.append(Int32(r))
            }
        }
        let n = entryScore.count

        // Score order, stable (NumPy's mergesort on −score), once for every area range and max-detections.
        let sorted = entryScore.withUnsafeBufferPointer { s in (0..<n).sorted { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 } }
        var place = [Int](repeating: 0, count: n), sortedRank = [Int32](repeating: 0, count: n)
        for (j, e) in sorted.enumerated() {
            place[e] = j
            sortedRank[j] = entryRank[e]
        }

        // Matching: status[(a·T + t)·n + place].
        var status = [UInt8](repeating: Self.falsePositive, count: A * T * n)
        var unignored = [Int](repeating: 0, count: A)
        status.withUnsafeMutableBufferPointer { status in
            var scratch = MatchScratch()
            for group in groups {
                match(group, gts: gts, dts: dts, place: place, status: status, entries: n, unignored: &unignored, scratch: &scratch)
            }
        }

        // Accumulation, per area range, max-detections and IoU threshold.
        let R = parameters.recallThresholds.count
        var q = [Double](repeating: 0, count: R), precisions = [Double](repeating: 0, count: n)
        // For each max-detections below the cut, the places of the entries it keeps (all of them otherwise).
        let keptPlaces = parameters.maxDetections.map { m in m >= cut ? nil : (0..<n).filter { sortedRank[$0] < m } }
        for a in 0..<A where unignored[a] > 0 {
            let npig = Double(unignored[a])
            for m in parameters.maxDetections.indices {
                for t in 0..<T {
                    let row = (a * T + t) * n
                    // Counts, and the precision at each true positive.
                    var tp = 0, fp = 0
                    let nd = keptPlaces[m]?.count ?? n
                    status.withUnsafeBufferPointer { s in
                        precisions.withUnsafeMutableBufferPointer { p in
                            func step(_ v: UInt8) {
                                if v == Self.truePositive {
                                    tp += 1
                                    p[tp - 1] = Double(tp) / (Double(fp) + Double(tp) + Accumulator.spacing)
                                }
                                fp += v == Self.falsePositive ? 1 : 0
                            }
                            if let places = keptPlaces[m] {
                                for j in places { step(s[row + j]) }
                            } else {
                                for j in 0..<n { step(s[row + j]) }
                            }
                        }
                    }
                    // The envelope: precision made non-increasing from the right, at true positives.
                    var i = tp - 1
                    while i > 0 {
                        if precisions[i] > precisions[i - 1] { precisions[i - 1] = precisions[i] }
                        i -= 1
                    }
                    // Recall point r lands on the first true positive (i ≥ 1) with i / npig ≥ r, or on the first
                    // detection (i = 0) when r ≤ 0, where the envelope is its maximum.
                    for ri in 0..<R { q[ri] = 0 }
                    if nd > 0 {
                        var i = 0
                        for (ri, point) in parameters.recallThresholds.enumerated() {
                            while i <= tp && Double(i) / npig < point { i += 1 }
                            guard i <= tp else { break }
                            q[ri] = i == 0 ? (tp > 0 ? precisions[0] : 0) : precisions[i - 1]
                        }
                    }
                    q.withUnsafeBufferPointer { emit(t, a, m, nd > 0 ? Double(tp) / npig : 0, $0) }
                }
            }
        }
    }

    /// Buffers ``match(_:gts:dts:place:status:entries:unignored:scratch:)`` reuses from image to image.
    private struct MatchScratch {
        var ious: [Double] = [], order: [Int] = [], gtIgnored: [Bool] = [], crowd: [Bool] = [], ids: [Double] = []
        var taken: [Bool] = []
    }

    /// pycocotools' `computeIoU` and `evaluateImg` for one image, every area range and IoU threshold.
    private func match(
        _ group: Group, gts: UnsafeBufferPointer<Truth>, dts: UnsafeBufferPointer<Detection>, place: [Int],
        status: UnsafeMutableBufferPointer<UInt8>, entries n: Int, unignored: inout [Int], scratch: inout MatchScratch
    ) {
        let G = group.gts.count, D = group.dts.count
        let T = parameters.iouThresholds.count
        guard G > 0 else {
            // No ground truth: every detection is unmatched, ignored exactly when its area is out of range.
            for d in 0..<D {
                let box = dts[group.dts.lowerBound + d].box
                let area = box.z * box.w, at = place[group.firstEntry + d]
                for (a, range) in parameters.areaRanges.enumerated() {
                    let result = area < range.lower || area > range.upper ? Self.ignoredDetection : Self.falsePositive
                    for t in 0..<T { status[(a * T + t) * n + at] = result }
                }
            }
            return
        }
        scratch.ious.removeAll(keepingCapacity: true)
        for i in group.dts {
            let box = dts[i].box
            for j in group.gts {
                let gt = gts[j]
                scratch.ious.append(ImageMatcher.iou(box, gt.bbox, crowd: gt.isCrowd))
            }
        }
        for (a, range) in parameters.areaRanges.enumerated() {
            // Ground truth not ignored first, each part in file order.
            scratch.order.removeAll(keepingCapacity: true)
            scratch.gtIgnored.removeAll(keepingCapacity: true)
            scratch.crowd.removeAll(keepingCapacity: true)
            scratch.ids.removeAll(keepingCapacity: true)
            for pass in 0..<2 {
                for j in 0..<G {
                    let gt = gts[group.gts.lowerBound + j]
                    let ignored = gt.isCrowd || gt.area < range.lower || gt.area > range.upper
                    guard ignored == (pass == 1) else { continue }
                    scratch.order.append(j)
                    scratch.gtIgnored.append(ignored)
                    scratch.crowd.append(gt.isCrowd)
                    scratch.ids.append(gt.id)
                }
            }
            unignored[a] += scratch.gtIgnored.count { !$0 }
            scratch.ious.withUnsafeBufferPointer { ious in
                for (t, threshold) in parameters.iouThresholds.enumerated() {
                    scratch.taken.removeAll(keepingCapacity: true)
                    scratch.taken.append(contentsOf: repeatElement(false, count: G))
                    let row = (a * T + t) * n
                    for d in 0..<D {
                        var best = min(threshold, 1 - 1e-10), m = -1
                        for gi in 0..<G {
                            if scratch.taken[gi] && !scratch.crowd[gi] { continue }
                            if m > -1 && !scratch.gtIgnored[m] && scratch.gtIgnored[gi] { break }
                            let iou = ious[d * G + scratch.order[gi]]
                            if iou < best { continue }
                            best = iou
                            m = gi
                        }
                        var result = Self.falsePositive
                        if m != -1 {
                            scratch.taken[m] = true
                            if scratch.gtIgnored[m] {
                                result = Self.ignoredDetection
                            } else if scratch.ids[m] != 0 {
                                result = Self.truePositive
                            }
                        }
                        if result == Self.falsePositive {
                            // Unmatched (or matched to an annotation with id 0): ignored when its own area is out of
                            // range.
                            let box = dts[group.dts.lowerBound + d].box
                            let area = box.z * box.w
                            if area < range.lower || area > range.upper { result = Self.ignoredDetection }
                        }
                        status[row + place[group.firstEntry + d]] = result
                    }
                }
            }
        }
    }
}

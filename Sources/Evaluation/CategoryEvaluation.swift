import Boxes
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
        /// Its oriented box, when the evaluation is oriented.
        var rbox: RotatedBox?
    }

    /// What matching and accumulation read of a detection, copied next to the category's others.
    struct Detection {
        /// Rank of its image among the images sorted by id.
        var image: Int
        /// Its position in the file, which breaks score ties.
        var index: Int
        var box: SIMD4<Double>
        var score: Double
        /// Its oriented box, when the evaluation is oriented.
        var rbox: RotatedBox?

        /// The area its area range is judged by (``ImageMatcher/area(_:_:)``).
        var area: Double { ImageMatcher.area(box, rbox) }
    }

    private static let falsePositive: UInt8 = 0, truePositive: UInt8 = 1, ignoredDetection: UInt8 = 2

    /// One image of the category: positions of its ground truth in `gts` and of its kept detections in `dts`, and
    /// the concatenation index of its first detection.
    private struct Group {
        var gts: Range<Int>
        var dts: Range<Int>
        var firstEntry: Int
    }

    /// Evaluates one category in the area ranges `areas` (positions in the parameters' list): `gts` are its
    /// annotations and `dts` its detections, each sorted by image rank, ground truth in file order and detections by
    /// descending score (ties in file order) within an image. Calls `emit(t, a, m, recall, precisionAtRecallPoints)`
    /// for each defined entry.
    func run(
        gts: UnsafeBufferPointer<Truth>, dts: UnsafeBufferPointer<Detection>, areas: Range<Int>,
        emit: (_ t: Int, _ a: Int, _ m: Int, _ recall: Double, _ precision: UnsafeBufferPointer<Double>) -> Void
    ) {
        guard !gts.isEmpty || !dts.isEmpty else { return }
        let T = parameters.iouThresholds.count, A = parameters.areaRanges.count, a0 = areas.lowerBound
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
        var status = [UInt8](repeating: Self.falsePositive, count: areas.count * T * n)
        var unignored = [Int](repeating: 0, count: A)
        let scratch = MatchScratch(
            truths: groups.reduce(0) { max($0, $1.gts.count) }, detections: groups.reduce(0) { max($0, $1.dts.count) })
        defer { scratch.deallocate() }
        status.withUnsafeMutableBufferPointer { status in
            place.withUnsafeBufferPointer { place in
                for group in groups {
                    match(
                        group, gts: gts, dts: dts, areas: areas, place: place, status: status, entries: n, unignored: &unignored,
                        scratch: scratch)
                }
            }
        }

        // Accumulation, per area range, max-detections and IoU threshold.
        let R = parameters.recallThresholds.count
        var q = [Double](repeating: 0, count: R), precisions = [Double](repeating: 0, count: n)
        // For each max-detections below the cut, the places of the entries it keeps (all of them otherwise).
        let keptPlaces = parameters.maxDetections.map { m in m >= cut ? nil : (0..<n).filter { sortedRank[$0] < m } }
        for a in areas where unignored[a] > 0 {
            let npig = Double(unignored[a])
            for m in parameters.maxDetections.indices {
                for t in 0..<T {
                    let row = ((a - a0) * T + t) * n
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

    /// Buffers ``match(_:gts:dts:place:status:entries:unignored:scratch:)`` reuses from image to image, sized for
    /// the category's largest image.
    private struct MatchScratch {
        let ious: UnsafeMutableBufferPointer<Double>, ids: UnsafeMutableBufferPointer<Double>
        let order: UnsafeMutableBufferPointer<Int>
        let gtIgnored: UnsafeMutableBufferPointer<Bool>, crowd: UnsafeMutableBufferPointer<Bool>, taken: UnsafeMutableBufferPointer<Bool>

        init(truths: Int, detections: Int) {
            let g = max(truths, 1)
            ious = .allocate(capacity: g * max(detections, 1))
            ids = .allocate(capacity: g)
            order = .allocate(capacity: g)
            gtIgnored = .allocate(capacity: g)
            crowd = .allocate(capacity: g)
            taken = .allocate(capacity: g)
        }

        func deallocate() {
            ious.deallocate()
            ids.deallocate()
            order.deallocate()
            gtIgnored.deallocate()
            crowd.deallocate()
            taken.deallocate()
        }
    }

    /// pycocotools' `computeIoU` and `evaluateImg` for one image, the area ranges `areas` and every IoU threshold.
    private func match(
        _ group: Group, gts: UnsafeBufferPointer<Truth>, dts: UnsafeBufferPointer<Detection>, areas: Range<Int>,
        place: UnsafeBufferPointer<Int>,
        status: UnsafeMutableBufferPointer<UInt8>, entries n: Int, unignored: inout [Int], scratch: MatchScratch
    ) {
        let G = group.gts.count, D = group.dts.count
        let T = parameters.iouThresholds.count
        let gt = UnsafeBufferPointer(rebasing: gts[group.gts]), dt = UnsafeBufferPointer(rebasing: dts[group.dts])
        guard G > 0 else {
            // No ground truth: every detection is unmatched, ignored exactly when its area is out of range.
            for d in 0..<D {
                let area = dt[d].area, at = place[group.firstEntry + d]
                for a in areas {
                    let range = parameters.areaRanges[a]
                    let result = area < range.lower || area > range.upper ? Self.ignoredDetection : Self.falsePositive
                    for t in 0..<T { status[((a - areas.lowerBound) * T + t) * n + at] = result }
                }
            }
            return
        }
        let ious = scratch.ious, order = scratch.order, gtIgnored = scratch.gtIgnored, crowd = scratch.crowd
        let ids = scratch.ids, taken = scratch.taken
        for d in 0..<D {
            for j in 0..<G { ious[d * G + j] = ImageMatcher.iou(dt[d].box, dt[d].rbox, gt[j].bbox, gt[j].rbox, crowd: gt[j].isCrowd) }
        }
        for a in areas {
            let range = parameters.areaRanges[a]
            // Ground truth not ignored first, each part in file order.
            var count = 0, kept = 0
            for pass in 0..<2 {
                for j in 0..<G {
                    let ignored = gt[j].isCrowd || gt[j].area < range.lower || gt[j].area > range.upper
                    guard ignored == (pass == 1) else { continue }
                    order[count] = j
                    gtIgnored[count] = ignored
                    crowd[count] = gt[j].isCrowd
                    ids[count] = gt[j].id
                    count += 1
                    if !ignored { kept += 1 }
                }
            }
            unignored[a] += kept
            for (t, threshold) in parameters.iouThresholds.enumerated() {
                for g in 0..<G { taken[g] = false }
                let row = ((a - areas.lowerBound) * T + t) * n
                for d in 0..<D {
                    var best = min(threshold, 1 - 1e-10), m = -1
                    for gi in 0..<G {
                        if taken[gi] && !crowd[gi] { continue }
                        if m > -1 && !gtIgnored[m] && gtIgnored[gi] { break }
                        let iou = ious[d * G + order[gi]]
                        if iou < best { continue }
                        best = iou
                        m = gi
                    }
                    var result = Self.falsePositive
                    if m != -1 {
                        taken[m] = true
                        if gtIgnored[m] {
                            result = Self.ignoredDetection
                        } else if ids[m] != 0 {
                            result = Self.truePositive
                        }
                    }
                    if result == Self.falsePositive {
                        // Unmatched (or matched to an annotation with id 0): ignored when its own area is out of range.
                        let area = dt[d].area
                        if area < range.lower || area > range.upper { result = Self.ignoredDetection }
                    }
                    status[row + place[group.firstEntry + d]] = result
                }
            }
        }
    }
}

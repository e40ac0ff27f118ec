import COCO
import Dispatch
/// COCO bounding-box evaluation, computed exactly as `pycocotools.cocoeval.COCOeval` (`iouType="bbox"`) does,
/// in float64 and in the same order, so the 12 statistics agree with it to the last bit or nearly.
///
/// For every category `k` (sorted ids of the ground truth), area range `a` and image (sorted ids):
/// 1. detections are stable-sorted by descending score and cut to the largest `maxDetections` (100);
///    `IoU = inter / union` with `union = dw·dh + gw·gh − inter`, or `dw·dh` for a crowd region (pycocotools'
///    `bbIou`, no `+1`);
/// 2. ground truth is ignored when it is a crowd or its `area` field lies outside the range (bounds inclusive),
///    and stable-sorted with the ignored last;
/// 3. per IoU threshold `t`, each detection in score order takes the best-IoU ground truth with IoU ≥
///    `min(t, 1 − 1e−10)` (a later one wins ties) not yet taken — crowds may be taken again — and never moves
///    from a real match to an ignored one; a detection matched to an ignored one is ignored, and so is an
///    unmatched detection whose `w·h` is out of range.
///
/// Then, per `(k, a, maxDets)`: the images' first `maxDets` detections are merged and stable-sorted by score;
/// `TP`/`FP` are cumulated (ignored detections count as neither); `recall = TP / #non-ignored-gt`,
/// `precision = TP / (TP + FP + 2⁻⁵²)` made non-increasing from the right and read at the 101 recall points
/// (first index with recall ≥ r; 0 past the end). Categories without non-ignored ground truth stay −1 and are
/// left out of the means. Source: Lin et al., "Microsoft COCO", ECCV 2014; cocodataset/cocoapi `cocoeval.py`.
public struct COCOEvaluation: Sendable {
    /// The settings used.
    public let parameters: EvaluationParameters
    /// Category ids, sorted: the `K` axis.
    public let categoryIDs: [Int]
    /// Interpolated precision, `[T][R][K][A][M]` flattened in that order; −1 where undefined.
    public let precision: [Double]
    /// Recall, `[T][K][A][M]` flattened; −1 where undefined.
    public let recall: [Double]

    /// Evaluates `detections` against `groundTruth`, spreading categories over `threads` threads.
    public init(
        groundTruth: COCOGroundTruth, detections: EvaluatedDetections, parameters: EvaluationParameters = .coco,
        threads: Int = 1
    ) {
        self.parameters = parameters
        let categories = groundTruth.categories.map(\.id).sorted()
        categoryIDs = categories
        let T = parameters.iouThresholds.count, R = parameters.recallThresholds.count, K = categories.count
        let A = parameters.areaRanges.count, M = parameters.maxDetections.count
        let rank = Self.imageRanks(groundTruth)
        // Per category, its annotations and detections copied side by side (bucketed in file order), then sorted:
        // annotations by image rank (file order within an image), detections by image rank, then descending score
        // (file order within ties). Reading them in that order from the columns would miss the cache at each one.
        let slot = CategoryIndex(categories)
        func bucketed<T>(_ count: Int, _ category: (Int) -> Int, _ item: (Int) -> T) -> (items: [T], starts: [Int]) {
            var slots = [Int](repeating: -1, count: count), starts = [Int](repeating: 0, count: K + 1)
            for i in 0..<count {
                let k = slot[category(i)] ?? -1
                slots[i] = k
                if k >= 0 { starts[k + 1] += 1 }
            }
            for k in 0..<K { starts[k + 1] += starts[k] }
            var next = starts
            let items = [T](unsafeUninitializedCapacity: starts[K]) { buffer, initialized in
                for i in 0..<count where slots[i] >= 0 {
                    (buffer.baseAddress! + next[slots[i]]).initialize(to: item(i))
                    next[slots[i]] += 1
                }
                initialized = starts[K]
            }
            return (items, starts)
        }
        let (gtItems, gtStarts) = bucketed(groundTruth.annotations.count, { groundTruth.annotations[$0].category }) { i in
            let g = groundTruth.annotations[i]
            return CategoryEvaluation.Truth(
                image: rank[g.image], bbox: g.bbox, area: g.area, id: g.id, isCrowd: g.isCrowd,
                rbox: detections.rotated == nil ? nil : g.rbox)
        }
        let (dtItems, dtStarts) = bucketed(detections.count, { detections.categories[$0] }) { i in
            CategoryEvaluation.Detection(
                image: rank[detections.images[i]], index: i, box: detections.boxes[i], score: detections.scores[i],
                rbox: detections.rotated?[i])
        }

        var precision = [Double](repeating: -1, count: T * R * K * A * M)
        var recall = [Double](repeating: -1, count: T * K * A * M)
        let workers = max(1, min(threads, K))
        let evaluation = CategoryEvaluation(parameters: parameters)
        var (gts, dts) = (gtItems, dtItems)
        gts.withUnsafeMutableBufferPointer { gts in
            dts.withUnsafeMutableBufferPointer { dts in
                precision.withUnsafeMutableBufferPointer { p in
                    recall.withUnsafeMutableBufferPointer { r in
                        // Each category sorts and writes only its own entries.
                        nonisolated(unsafe) let (pp, rp, gp, dp) = (p.baseAddress!, r.baseAddress!, gts, dts)
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            for k in stride(from: worker, to: K, by: workers) {
                                var g = UnsafeMutableBufferPointer(rebasing: gp[gtStarts[k]..<gtStarts[k + 1]])
                                var d = UnsafeMutableBufferPointer(rebasing: dp[dtStarts[k]..<dtStarts[k + 1]])
                                // Stable: equal ranks keep file order.
                                g.sort { $0.image < $1.image }
                                d.sort { a, b in
                                    if a.image != b.image { return a.image < b.image }
                                    return a.score != b.score ? a.score > b.score : a.index < b.index
                                }
                            }
                        }
                        // Then the work in units of a category and some of the area ranges: whole categories when
                        // there are many, else the area ranges split so that every worker has several units.
                        let parts = min(max(A, 1), max(1, (4 * workers + K - 1) / max(K, 1)))
                        let units = (0..<K).flatMap { k in (0..<parts).map { (k, A * $0 / parts..<A * ($0 + 1) / parts) } }
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            for (k, areas) in stride(from: worker, to: units.count, by: workers).map({ units[$0] }) {
                                let g = UnsafeBufferPointer(rebasing: gp[gtStarts[k]..<gtStarts[k + 1]])
                                let d = UnsafeBufferPointer(rebasing: dp[dtStarts[k]..<dtStarts[k + 1]])
                                evaluation.run(gts: g, dts: d, areas: areas) { t, a, m, rc, q in
                                    rp[((t * K + k) * A + a) * M + m] = rc
                                    for ri in 0..<R { pp[(((t * R + ri) * K + k) * A + a) * M + m] = q[ri] }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.precision = precision
        self.recall = recall
    }

    /// Each image's position among the images sorted by id, as pycocotools orders them.
    private static func imageRanks(_ groundTruth: COCOGroundTruth) -> [Int] {
        let order = groundTruth.images.indices.sorted { precedes(groundTruth.images[$0].id, groundTruth.images[$1].id) }
        var rank = [Int](repeating: 0, count: groundTruth.images.count)
        for (r, i) in order.enumerated() { rank[i] = r }
        return rank
    }

    /// pycocotools' `evaluate` and `accumulate` followed line by line, one image and category at a time
    /// (``ImageMatcher``, ``Accumulator``): the plain reference the fast path in ``init(groundTruth:detections:parameters:threads:)``
    /// is tested against. Returns `(precision, recall)` laid out as ``precision`` and ``recall``.
    static func reference(
        groundTruth: COCOGroundTruth, detections: EvaluatedDetections, parameters: EvaluationParameters = .coco
    ) -> (precision: [Double], recall: [Double]) {
        let categories = groundTruth.categories.map(\.id).sorted()
        let T = parameters.iouThresholds.count, R = parameters.recallThresholds.count, K = categories.count
        let A = parameters.areaRanges.count, M = parameters.maxDetections.count
        let rank = imageRanks(groundTruth)
        let slot = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        var gts = [[Int: [Int]]](repeating: [:], count: K), dts = [[Int: [Int]]](repeating: [:], count: K)
        for (i, g) in groundTruth.annotations.enumerated() { gts[slot[g.category]!][rank[g.image], default: []].append(i) }
        for i in 0..<detections.count {
            guard let k = slot[detections.categories[i]] else { continue }
            dts[k][rank[detections.images[i]], default: []].append(i)
        }
        var precision = [Double](repeating: -1, count: T * R * K * A * M)
        var recall = [Double](repeating: -1, count: T * K * A * M)
        for k in 0..<K {
            let images = Set(gts[k].keys).union(dts[k].keys).sorted()
            let matchers = images.map {
                ImageMatcher(
                    groundTruth: groundTruth, gts: gts[k][$0] ?? [], detections: detections, dts: dts[k][$0] ?? [],
                    maxDetections: parameters.maxDetections.last ?? 0)
            }
            for a in 0..<A {
                let evaluated = matchers.map { $0.evaluate(parameters.areaRanges[a], parameters.iouThresholds) }
                for m in 0..<M {
                    Accumulator.run(evaluated, maxDetections: parameters.maxDetections[m], parameters: parameters) { t, rc, q in
                        recall[((t * K + k) * A + a) * M + m] = rc
                        for ri in 0..<R { precision[(((t * R + ri) * K + k) * A + a) * M + m] = q[ri] }
                    }
                }
            }
        }
        return (precision, recall)
    }

    /// pycocotools' sorted image ids: numbers by value, then strings.
    static func precedes(_ a: COCOImageID, _ b: COCOImageID) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x < y
        case let (.text(x), .text(y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) { $0.value < $1.value }
        case (.number, .text): return true
        case (.text, .number): return false
        }
    }

    /// Precision at IoU threshold `t`, recall point `r`, category `k`, area `a`, max-detections `m` (indices).
    public func precision(t: Int, r: Int, k: Int, a: Int, m: Int) -> Double {
        let p = parameters
        return precision[(((t * p.recallThresholds.count + r) * categoryIDs.count + k) * p.areaRanges.count + a) * p.maxDetections.count + m]
    }

    /// Recall at IoU threshold `t`, category `k`, area `a`, max-detections `m` (indices).
    public func recall(t: Int, k: Int, a: Int, m: Int) -> Double {
        let p = parameters
        return recall[((t * categoryIDs.count + k) * p.areaRanges.count + a) * p.maxDetections.count + m]
    }
}

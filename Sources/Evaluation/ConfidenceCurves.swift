import COCO

/// Precision, recall and F1 against the confidence threshold, per category and over all categories, from the raw
/// counts at each threshold (not from the interpolated precision-recall curve, whose precision is made monotone
/// and so never shows where raising the threshold stops paying).
///
/// Detections are matched as pycocotools matches them at one IoU (`evaluateImg`: all areas, the 100 best per image
/// and category; detections matched to crowd boxes count as neither). At a threshold `c`, with `TP(c)` the matched
/// detections scoring at least `c`, `N(c)` all detections scoring at least `c` and `G` the non-crowd ground truth:
/// `precision = TP / N`, `recall = TP / G`, `F1 = 2·P·R / (P + R)` (0 when both are 0). A value is −1 where it is
/// undefined (no detection at or above `c`, no ground truth). Over all categories the counts are pooled. The best
/// F1 is sought over every distinct score (the highest of equal F1s).
public struct ConfidenceCurves: Sendable {
    /// Precision, recall and F1 at each of ``thresholds``.
    public struct Curve: Sendable, Equatable {
        /// `TP / N`, or −1.
        public var precision: [Double]
        /// `TP / G`, or −1.
        public var recall: [Double]
        /// `2·P·R / (P + R)`, 0 when both are 0, −1 when either is undefined.
        public var f1: [Double]

        /// A curve from its values.
        public init(precision: [Double], recall: [Double], f1: [Double]) {
            self.precision = precision
            self.recall = recall
            self.f1 = f1
        }
    }

    /// The confidence at which the pooled F1 is highest, with the precision and recall there.
    public struct Best: Sendable, Equatable {
        /// Detections scoring at least this are kept.
        public var threshold: Double
        /// F1 there.
        public var f1: Double
        /// Precision there.
        public var precision: Double
        /// Recall there.
        public var recall: Double
    }

    /// The IoU at which detections match.
    public let iouThreshold: Double
    /// The confidence thresholds of the curves (by default 0, 0.01, …, 1).
    public let thresholds: [Double]
    /// The curve of each category of the ground truth, by id.
    public let byCategory: [Int: Curve]
    /// The curve with every category's counts pooled.
    public let overall: Curve
    /// The best pooled F1 over every distinct detection score; nil without detections or ground truth.
    public let best: Best?

    /// The curves of `detections` against `groundTruth`.
    public init(
        groundTruth: COCOGroundTruth, detections: EvaluatedDetections, iouThreshold: Double = 0.5,
        thresholds: [Double] = EvaluationParameters.linspace(0, 1, 101)
    ) {
        self.iouThreshold = iouThreshold
        self.thresholds = thresholds
        let all = EvaluationParameters.AreaRange(label: "all", lower: 0, upper: 1e10)
        var gtsOf: [Int: [Int: [Int]]] = [:], dtsOf: [Int: [Int: [Int]]] = [:]
        for (i, g) in groundTruth.annotations.enumerated() { gtsOf[g.category, default: [:]][g.image, default: []].append(i) }
        for i in 0..<detections.count { dtsOf[detections.categories[i], default: [:]][detections.images[i], default: []].append(i) }
        var pooled: [(score: Double, matched: Bool)] = [], pooledTruth = 0
        var byCategory: [Int: Curve] = [:]
        for category in groundTruth.categories.map(\.id) {
            let gts = gtsOf[category] ?? [:], dts = dtsOf[category] ?? [:]
            var points: [(score: Double, matched: Bool)] = [], truth = 0
            for image in Set(gts.keys).union(dts.keys).sorted() {
                let matcher = ImageMatcher(
                    groundTruth: groundTruth, gts: gts[image] ?? [], detections: detections, dts: dts[image] ?? [], maxDetections: 100)
                guard let r = matcher.evaluate(all, [iouThreshold]) else { continue }
                truth += r.gtIgnored.count { !$0 }
                for d in r.scores.indices where !r.ignored[d] { points.append((r.scores[d], r.matches[d] != 0)) }
            }
            points.sort { $0.score > $1.score }
            byCategory[category] = Self.curve(points, truth: truth, at: thresholds)
            pooled += points
            pooledTruth += truth
        }
        pooled.sort { $0.score > $1.score }
        self.byCategory = byCategory
        overall = Self.curve(pooled, truth: pooledTruth, at: thresholds)
        var best: Best?, tp = 0
        for (n, p) in pooled.enumerated() {
            if p.matched { tp += 1 }
            // Only at the last detection of a run of equal scores: a threshold keeps all of them or none.
            guard n + 1 == pooled.count || pooled[n + 1].score != p.score, pooledTruth > 0 else { continue }
            let (precision, recall) = (Double(tp) / Double(n + 1), Double(tp) / Double(pooledTruth))
            let f1 = Self.f1(precision, recall)
            // Scores fall as the walk goes on, so keeping only a strictly higher F1 keeps the highest threshold of ties.
            if f1 > best?.f1 ?? -.infinity { best = Best(threshold: p.score, f1: f1, precision: precision, recall: recall) }
        }
        self.best = best
    }

    private static func f1(_ p: Double, _ r: Double) -> Double {
        guard p >= 0, r >= 0 else { return -1 }
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// The curve of `points` (sorted by descending score) against `truth` boxes.
    private static func curve(_ points: [(score: Double, matched: Bool)], truth: Int, at thresholds: [Double]) -> Curve {
        var cumulative = [Int](repeating: 0, count: points.count)
        var tp = 0
        for (n, p) in points.enumerated() {
            if p.matched { tp += 1 }
            cumulative[n] = tp
        }
        var curve = Curve(precision: [], recall: [], f1: [])
        for c in thresholds {
            // How many score at least c: the first position below c.
            var lo = 0, hi = points.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if points[mid].score >= c { lo = mid + 1 } else { hi = mid }
            }
            let tp = lo == 0 ? 0 : cumulative[lo - 1]
            let precision = lo == 0 ? -1 : Double(tp) / Double(lo), recall = truth == 0 ? -1 : Double(tp) / Double(truth)
            curve.precision.append(precision)
            curve.recall.append(recall)
            curve.f1.append(f1(precision, recall))
        }
        return curve
    }
}

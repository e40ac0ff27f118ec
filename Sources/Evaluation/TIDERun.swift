import COCO

/// One TIDE analysis (tidecv's `TIDERun` in box mode): the matching and error classification of every image, and
/// AP rebuilt with one error type fixed. The rules are ``TIDE``'s.
struct TIDERun {
    /// One error: its type, its detection (none for Miss) and the ground-truth box it concerns (Cls, Loc, Dupe,
    /// Miss).
    struct Failure {
        var type: TIDE.ErrorType
        var detection: Int?
        var box: Int?
    }

    /// The baseline points: every detection not taken out by a crowd box, and the ground-truth counts.
    private(set) var points = TIDEPoints()
    /// Every error, in the order found.
    private(set) var errors: [Failure] = []
    private let detections: EvaluatedDetections
    private let boxes: [COCOGroundTruth.Annotation]
    /// Whether each ground-truth box was matched.
    private var matched: [Bool]
    /// Whether each detection was taken out of the evaluation by a crowd box.
    private var ignored: [Bool]
    /// Category of every unmatched non-crowd box, for FalseNeg.
    private var falseNegatives: [Int: Int] = [:]
    /// Per ground-truth box aimed at by a Cls or Loc error while unmatched: the highest-scoring such error's
    /// detection (the first of equal scores).
    private var best: [Int: (score: Double, detection: Int)] = [:]
    /// The ground-truth boxes a Cls or Loc error aimed at while they were unmatched: not Miss.
    private var aimedAt: Set<Int> = []

    init(groundTruth: COCOGroundTruth, detections: EvaluatedDetections, parameters p: TIDE.Parameters) {
        self.detections = detections
        boxes = groundTruth.annotations
        matched = [Bool](repeating: false, count: boxes.count)
        ignored = [Bool](repeating: false, count: detections.count)
        let boxesOf = ImageGrouping.annotations(of: groundTruth)
        let detectionsOf = ImageGrouping.detections(detections, of: groundTruth)
        for image in groundTruth.images.indices {
            classify(boxesOf[image], detectionsOf[image], p)
        }
    }

    /// The IoU of detection `d` and box `g` as COCO matching computes it (oriented when the detections are).
    private func iou(_ d: Int, _ g: Int, crowd: Bool) -> Double {
        ImageMatcher.iou(detections.boxes[d], detections.rotated?[d], boxes[g].bbox, boxes[g].rbox, crowd: crowd)
    }

    /// The first position of the largest value (numpy's `argmax`); `row` is not empty.
    private static func argmax(_ row: [Double]) -> Int {
        var best = 0
        for j in 1..<row.count where row[j] > row[best] { best = j }
        return best
    }

    /// Matches and classifies the detections of one image.
    private mutating func classify(_ everything: [Int], _ all: [Int], _ p: TIDE.Parameters) {
        for k in everything where !boxes[k].isCrowd { points.addGroundTruth(boxes[k].category, 1) }
        let gts = everything.filter { !boxes[$0].isCrowd }, crowds = everything.filter { boxes[$0].isCrowd }
        guard !all.isEmpty else {
            for k in gts {
                errors.append(Failure(type: .missed, box: k))
                falseNegatives[boxes[k].category, default: 0] += 1
            }
            return
        }
        let s = detections.scores
        let dts = Array(all.sorted { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 }.prefix(p.maxDetections))
        let overlaps = dts.map { d in gts.map { iou(d, $0, crowd: false) } }
        // IoU with each box of the detection's own category (0 for the others).
        let sameCategory = dts.indices.map { i in
            gts.indices.map { j in detections.categories[dts[i]] == boxes[gts[j]].category ? overlaps[i][j] : 0 }
        }
        var used = [Bool](repeating: false, count: dts.count)
        if !gts.isEmpty {
            var free = sameCategory
            for i in dts.indices {
                let j = Self.argmax(free[i])
                guard free[i][j] >= p.positiveThreshold else { continue }
                used[i] = true
                matched[gts[j]] = true
                for r in free.indices { free[r][j] = 0 }
            }
        }
        for c in crowds {
            for (i, d) in dts.enumerated()
            where !used[i] && iou(d, c, crowd: true) > p.positiveThreshold
                && boxes[c].category == detections.categories[d] {
                ignored[d] = true
            }
        }
        for (i, d) in dts.enumerated() {
            if !ignored[d] { points.push(detections.categories[d], s[d], used[i]) }
            if used[i] { continue }
            guard !gts.isEmpty else {
                errors.append(Failure(type: .background, detection: d))
                continue
            }
            let same = sameCategory[i]
            var j = Self.argmax(same)
            if p.backgroundThreshold <= same[j], same[j] <= p.positiveThreshold {
                aim(Failure(type: .localization, detection: d, box: gts[j]))
                continue
            }
            let other = gts.indices.map { j in detections.categories[d] != boxes[gts[j]].category ? overlaps[i][j] : 0 }
            j = Self.argmax(other)
            if other[j] >= p.positiveThreshold {
                aim(Failure(type: .classification, detection: d, box: gts[j]))
                continue
            }
            let usedSame = gts.indices.map { matched[gts[$0]] ? same[$0] : 0 }
            j = Self.argmax(usedSame)
            if usedSame[j] >= p.positiveThreshold {
                errors.append(Failure(type: .duplicate, detection: d, box: gts[j]))
                continue
            }
            j = Self.argmax(overlaps[i])
            errors.append(Failure(type: overlaps[i][j] <= p.backgroundThreshold ? .background : .both, detection: d))
        }
        for k in gts where !matched[k] {
            falseNegatives[boxes[k].category, default: 0] += 1
            if !aimedAt.contains(k) { errors.append(Failure(type: .missed, box: k)) }
        }
    }

    /// Records a Cls or Loc error, and what it aims at when that box is still unmatched.
    private mutating func aim(_ failure: Failure) {
        if let box = failure.box, let d = failure.detection, !matched[box] {
            aimedAt.insert(box)
            let score = detections.scores[d]
            if (best[box]?.score ?? -1) < score { best[box] = (score, d) }
        }
        errors.append(failure)
    }

    /// Mean AP with the errors of `type` fixed (none when nil), or with every false positive scored 0 and every
    /// true positive 1, or without the unmatched boxes; error points first, then the baseline's true positives.
    func rebuilt(fixing type: TIDE.ErrorType?, falsePositivesGone: Bool = false, falseNegativesGone: Bool = false) -> Double {
        var groundTruth: [Int: Int] = [:]
        for c in points.categories { groundTruth[c] = points.of(c).groundTruth }
        var fixed = TIDEPoints()
        func push(_ category: Int, _ score: Double, _ isTrue: Bool) {
            if falsePositivesGone {
                fixed.push(category, isTrue ? 1 : 0, isTrue)
            } else {
                fixed.push(category, score, isTrue)
            }
        }
        for e in errors {
            if e.type == type {
                switch e.type {
                case .missed:
                    if let box = e.box { groundTruth[boxes[box].category, default: 0] -= 1 }
                case .classification, .localization:
                    guard let box = e.box, let d = e.detection, !matched[box] else { continue }
                    if best[box]?.detection == d {
                        push(e.type == .localization ? detections.categories[d] : boxes[box].category, detections.scores[d], true)
                    }
                case .both, .duplicate, .background:
                    continue
                }
            } else if let d = e.detection, !ignored[d] {
                push(detections.categories[d], detections.scores[d], false)
            }
        }
        for c in points.categories {
            for point in points.of(c).points where point.isTrue { push(c, point.score, true) }
        }
        for c in points.categories {
            fixed.addGroundTruth(c, groundTruth[c, default: 0] - (falseNegativesGone ? falseNegatives[c, default: 0] : 0))
        }
        return fixed.meanAP() ?? 0
    }
}

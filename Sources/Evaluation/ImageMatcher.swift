import Boxes
import COCO

/// One image and category of a COCO evaluation: pycocotools' `computeIoU` once, then `evaluateImg` per area range.
struct ImageMatcher {
    /// The image's ground truth for the category, in file order.
    let gts: [COCOGroundTruth.Annotation]
    /// Detections (ids `1…n` in input order), stable-sorted by descending score, cut to the largest max-detections.
    let dts: [(id: Double, box: SIMD4<Double>, score: Double, rbox: RotatedBox?)]
    /// `ious[d * gts.count + g]`.
    let ious: [Double]

    /// What ``evaluate(_:_:)`` returns for an image with neither ground truth nor detections: nothing (pycocotools'
    /// `None`).
    struct Result {
        /// Scores of the detections, in order.
        var scores: [Double]
        /// Whether each ground truth (ignored last) is ignored.
        var gtIgnored: [Bool]
        /// `matches[t * D + d]`: id of the ground truth detection `d` matched at threshold `t`, or 0.
        var matches: [Double]
        /// `ignored[t * D + d]`.
        var ignored: [Bool]
    }

    init(groundTruth: COCOGroundTruth, gts: [Int], detections: EvaluatedDetections, dts: [Int], maxDetections: Int) {
        self.gts = gts.map { groundTruth.annotations[$0] }
        // Stable by descending score (NumPy's mergesort on −score); ids are input positions + 1.
        let sorted = dts.enumerated().sorted { a, b in
            let (x, y) = (detections.scores[a.element], detections.scores[b.element])
            return x != y ? x > y : a.offset < b.offset
        }.prefix(maxDetections)
        self.dts = sorted.map {
            (Double($0.element + 1), detections.boxes[$0.element], detections.scores[$0.element], detections.rotated?[$0.element])
        }
        var ious = [Double](repeating: 0, count: self.dts.count * self.gts.count)
        for (d, det) in self.dts.enumerated() {
            for (g, gt) in self.gts.enumerated() {
                ious[d * self.gts.count + g] = Self.iou(det.box, det.rbox, gt.bbox, gt.rbox, crowd: gt.isCrowd)
            }
        }
        self.ious = ious
    }

    /// The IoU matching compares: ``iou(_:_:crowd:)`` of the `[x, y, w, h]` boxes, or, when both are oriented, the
    /// exact IoU of the rectangles (`RotatedOverlap`, in Boxes); for a crowd region the intersection over the
    /// detection's own area, as pycocotools does (0 for a detection without area).
    static func iou(_ d: SIMD4<Double>, _ dr: RotatedBox?, _ g: SIMD4<Double>, _ gr: RotatedBox?, crowd: Bool) -> Double {
        guard let dr, let gr else { return iou(d, g, crowd: crowd) }
        guard crowd else { return RotatedOverlap.iou(dr, gr) }
        let area = area(d, dr)
        return area > 0 ? RotatedOverlap.intersection(dr, gr) / area : 0
    }

    /// The area a detection's area range is judged by: `w·h` of its oriented box when it has one, else of its box.
    static func area(_ d: SIMD4<Double>, _ r: RotatedBox?) -> Double {
        r.map { Double($0.width) * Double($0.height) } ?? d.z * d.w
    }

    /// pycocotools' `bbIou` (maskApi.c) for `[x, y, w, h]` boxes, operation for operation.
    static func iou(_ d: SIMD4<Double>, _ g: SIMD4<Double>, crowd: Bool) -> Double {
        let w = min(d.z + d.x, g.z + g.x) - max(d.x, g.x)
        guard w > 0 else { return 0 }
        let h = min(d.w + d.y, g.w + g.y) - max(d.y, g.y)
        guard h > 0 else { return 0 }
        let inter = w * h, da = d.z * d.w
        return inter / (crowd ? da : da + g.z * g.w - inter)
    }

    /// pycocotools' `evaluateImg` for one area range, with max-detections already applied; nil when the image
    /// has neither ground truth nor detections.
    func evaluate(_ range: EvaluationParameters.AreaRange, _ thresholds: [Double]) -> Result? {
        guard !gts.isEmpty || !dts.isEmpty else { return nil }
        let G = gts.count, D = dts.count
        let ignore = gts.map { $0.isCrowd || $0.area < range.lower || $0.area > range.upper }
        let order = gts.indices.filter { !ignore[$0] } + gts.indices.filter { ignore[$0] }
        let gtIgnored = order.map { ignore[$0] }, crowd = order.map { gts[$0].isCrowd }, ids = order.map { gts[$0].id }
        var matches = [Double](repeating: 0, count: thresholds.count * D)
        var ignored = [Bool](repeating: false, count: thresholds.count * D)
        var taken = [Double](repeating: 0, count: G)
        for (t, threshold) in thresholds.enumerated() {
            for g in 0..<G { taken[g] = 0 }
            for d in 0..<D {
                var best = min(threshold, 1 - 1e-10), m = -1
                for (gi, g) in order.enumerated() {
                    if taken[gi] > 0 && !crowd[gi] { continue }
                    if m > -1 && !gtIgnored[m] && gtIgnored[gi] { break }
                    let iou = ious[d * G + g]
                    if iou < best { continue }
                    best = iou
                    m = gi
                }
                guard m != -1 else { continue }
                ignored[t * D + d] = gtIgnored[m]
                matches[t * D + d] = ids[m]
                taken[m] = dts[d].id
            }
            for d in 0..<D where matches[t * D + d] == 0 {
                let area = Self.area(dts[d].box, dts[d].rbox)
                if area < range.lower || area > range.upper { ignored[t * D + d] = true }
            }
        }
        return Result(scores: dts.map(\.score), gtIgnored: gtIgnored, matches: matches, ignored: ignored)
    }
}

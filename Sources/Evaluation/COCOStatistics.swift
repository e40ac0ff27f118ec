/// The 12 standard COCO bounding-box statistics, as pycocotools' `COCOeval.summarize()` prints them: the mean of
/// the defined (> −1) precision or recall entries selected, −1 when none is defined.
public struct COCOStatistics: Sendable, Equatable, Codable {
    /// AP at IoU 0.50:0.95, all areas, 100 detections.
    public var AP: Double
    /// AP at IoU 0.50.
    public var AP50: Double
    /// AP at IoU 0.75.
    public var AP75: Double
    /// AP for small, medium and large objects.
    public var APs: Double, APm: Double, APl: Double
    /// AR with at most 1, 10 and 100 detections per image.
    public var AR1: Double, AR10: Double, AR100: Double
    /// AR for small, medium and large objects (100 detections).
    public var ARs: Double, ARm: Double, ARl: Double

    /// The statistics in pycocotools' order (`COCOeval.stats`).
    public var values: [Double] { [AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl] }

    /// The names, in the order of ``values``.
    public static let names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]

    /// pycocotools' one-line descriptions, in the order of ``values``.
    public static let descriptions = [
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]",
    ]

    /// The statistics of an evaluation with COCO's area labels and max-detections 1, 10 and 100.
    public init(_ e: COCOEvaluation) {
        func ap(_ iou: Double? = nil, _ area: String = "all") -> Double {
            e.mean(precision: true, iou: iou, area: area, maxDetections: 100)
        }
        func ar(_ maxDetections: Int = 100, _ area: String = "all") -> Double {
            e.mean(precision: false, iou: nil, area: area, maxDetections: maxDetections)
        }
        AP = ap(); AP50 = ap(0.5); AP75 = ap(0.75)
        APs = ap(nil, "small"); APm = ap(nil, "medium"); APl = ap(nil, "large")
        AR1 = ar(1); AR10 = ar(10); AR100 = ar(100)
        ARs = ar(100, "small"); ARm = ar(100, "medium"); ARl = ar(100, "large")
    }
}

extension COCOEvaluation {
    /// pycocotools' `_summarize`: the mean of the defined entries of precision (over IoU thresholds — or the one
    /// equal to `iou` —, recall points and categories) or of recall (over thresholds and categories), for one
    /// area label and max-detections; −1 when none is defined or the label or count is not evaluated. Entries
    /// are taken in NumPy's order and summed pairwise as NumPy does, so the mean is NumPy's to the bit.
    public func mean(precision: Bool, iou: Double?, area: String, maxDetections: Int) -> Double {
        let p = parameters
        guard let a = p.areaRanges.firstIndex(where: { $0.label == area }),
            let m = p.maxDetections.firstIndex(of: maxDetections)
        else { return -1 }
        let thresholds = p.iouThresholds.indices.filter { iou == nil || p.iouThresholds[$0] == iou }
        var selected: [Double] = []
        for t in thresholds {
            if precision {
                for r in p.recallThresholds.indices {
                    for k in categoryIDs.indices {
                        let v = self.precision(t: t, r: r, k: k, a: a, m: m)
                        if v > -1 { selected.append(v) }
                    }
                }
            } else {
                for k in categoryIDs.indices {
                    let v = recall(t: t, k: k, a: a, m: m)
                    if v > -1 { selected.append(v) }
                }
            }
        }
        return selected.isEmpty ? -1 : PairwiseSum.sum(selected[...]) / Double(selected.count)
    }

    /// The 12 standard statistics.
    public var statistics: COCOStatistics { COCOStatistics(self) }
}

/// NumPy's pairwise summation of float64 (`pairwise_sum` in `loops_utils.h`): blocks of up to 128 values summed
/// with eight running partial sums, halves of larger runs (split at a multiple of 8) summed recursively.
enum PairwiseSum {
    static func sum(_ x: ArraySlice<Double>) -> Double {
        let n = x.count, s = x.startIndex
        if n < 8 {
            var res = 0.0
            for v in x { res += v }
            return res
        }
        if n <= 128 {
            var r = (0..<8).map { x[s + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += x[s + i + j] }
                i += 8
            }
            var res = (r[0] + r[1]) + (r[2] + r[3]) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += x[s + i]
                i += 1
            }
            return res
        }
        var half = n / 2
        half -= half % 8
        return sum(x[s..<(s + half)]) + sum(x[(s + half)...])
    }
}

extension COCOEvaluation {
    /// The interpolated precision-recall curve at one IoU threshold (all areas, the largest max-detections): for
    /// each recall point, the mean precision over the categories where it is defined; −1 where none is. Nil when
    /// `iouThreshold` is not one of the evaluated thresholds.
    public func precisionRecallCurve(iouThreshold: Double) -> [Double]? {
        guard let t = parameters.iouThresholds.firstIndex(of: iouThreshold),
            let a = parameters.areaRanges.firstIndex(where: { $0.label == "all" }) ?? parameters.areaRanges.indices.first,
            !parameters.maxDetections.isEmpty
        else { return nil }
        let m = parameters.maxDetections.count - 1
        return parameters.recallThresholds.indices.map { r in
            let defined = categoryIDs.indices.map { precision(t: t, r: r, k: $0, a: a, m: m) }.filter { $0 > -1 }
            return defined.isEmpty ? -1 : defined.reduce(0, +) / Double(defined.count)
        }
    }

    /// AP (all areas, the largest max-detections) of each category at each IoU threshold of the parameters, by
    /// category id: the mean of its defined interpolated precisions at that threshold; −1 where none is defined.
    public func averagePrecisionByCategoryAndThreshold() -> [Int: [Double]] {
        guard let a = parameters.areaRanges.firstIndex(where: { $0.label == "all" }) ?? parameters.areaRanges.indices.first,
            !parameters.maxDetections.isEmpty
        else { return [:] }
        let m = parameters.maxDetections.count - 1
        var out: [Int: [Double]] = [:]
        for (k, id) in categoryIDs.enumerated() {
            out[id] = parameters.iouThresholds.indices.map { t in
                let values = parameters.recallThresholds.indices.map { precision(t: t, r: $0, k: k, a: a, m: m) }.filter { $0 > -1 }
                return values.isEmpty ? -1 : PairwiseSum.sum(values[...]) / Double(values.count)
            }
        }
        return out
    }

    /// AP@[.50:.95] (all areas, the largest max-detections) of each category, by category id; −1 for a category
    /// without ground truth.
    public func averagePrecisionByCategory() -> [Int: Double] {
        guard let a = parameters.areaRanges.firstIndex(where: { $0.label == "all" }) ?? parameters.areaRanges.indices.first,
            !parameters.maxDetections.isEmpty
        else { return [:] }
        let m = parameters.maxDetections.count - 1
        var out: [Int: Double] = [:]
        for (k, id) in categoryIDs.enumerated() {
            let values = parameters.iouThresholds.indices.flatMap { t in
                parameters.recallThresholds.indices.map { precision(t: t, r: $0, k: k, a: a, m: m) }
            }.filter { $0 > -1 }
            out[id] = values.isEmpty ? -1 : PairwiseSum.sum(values[...]) / Double(values.count)
        }
        return out
    }
}

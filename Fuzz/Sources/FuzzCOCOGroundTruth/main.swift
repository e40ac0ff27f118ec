// libFuzzer entry point for the COCO instances (ground truth) reader (`COCOGroundTruth(data:source:)`) and, on what
// it reads, a COCO evaluation against detections made from its own boxes (exact, shifted, grown and shrunk), so
// that the matcher and the accumulation see fuzzed geometry: huge, negative, zero-sized and crowd boxes, areas that
// disagree with the boxes, ids 0; and TIDE, the confusion matrix and the confidence curves on the same. Build
// with `-sanitize=fuzzer,address -parse-as-library` (see ../../run.sh).
// Reading errors are expected and ignored: only crashes, sanitizer reports, leaks and broken invariants
// (`precondition`) count.
import COCO
import Evaluation
import Foundation
import FuzzDriver

/// Documents with more categories or annotations are read but not evaluated (the evaluation's arrays grow with the
/// categories, its matching with the annotations per image, and big ones would only slow the fuzzer down).
let maxEvaluatedCategories = 16
let maxEvaluatedAnnotations = 256
/// COCO's area ranges and max-detections (which the 12 statistics need) with 3 IoU thresholds and 11 recall points
/// instead of 10 and 101: the same code for a tenth of the work (most of a run's time under ASan went to the
/// evaluation's many small arrays). One input in 8 (by length) is evaluated with COCO's settings.
let fewerThresholds = EvaluationParameters(
    iouThresholds: [0.5, 0.75, 0.95], recallThresholds: EvaluationParameters.linspace(0, 1, 11),
    maxDetections: EvaluationParameters.coco.maxDetections, areaRanges: EvaluationParameters.coco.areaRanges)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let truth = try? COCOGroundTruth(data: bytes, source: "fuzz") else { return 0 }
    precondition(truth.imageIndex.count == truth.images.count, "image ids not distinct")
    for (i, image) in truth.images.enumerated() { precondition(truth.imageIndex[image.id] == i, "image \(i)") }
    let categories = Set(truth.categories.map(\.id))
    precondition(categories.count == truth.categories.count, "category ids not distinct")
    for (j, a) in truth.annotations.enumerated() {
        precondition(a.image >= 0 && a.image < truth.images.count && categories.contains(a.category), "annotation \(j)")
        precondition(a.id.isFinite && a.area.isFinite, "annotation \(j): id or area not finite")
        let b = a.bbox
        precondition(b.x.isFinite && b.y.isFinite && b.z.isFinite && b.w.isFinite && b.z >= 0 && b.w >= 0, "annotation \(j): bbox")
    }
    guard truth.categories.count <= maxEvaluatedCategories, truth.annotations.count <= maxEvaluatedAnnotations else {
        return 0
    }

    // Per annotation, detections on its image and category: its own box, and one moved or resized by a fraction of
    // its size (picked by position and input length); equal scores on purpose, so that ties are broken by order.
    var images: [Int] = [], classes: [Int] = [], boxes: [SIMD4<Double>] = [], scores: [Double] = []
    for (j, a) in truth.annotations.enumerated() {
        let b = a.bbox
        let f = [0.5, -0.25, 1, 3][(j + size) % 4]
        let variants = [b, SIMD4(b.x + f * b.z, b.y - f * b.w, b.z, b.w), SIMD4(b.x, b.y, b.z * abs(f), b.w / abs(f))]
        for (v, box) in variants.enumerated() where box.x.isFinite && box.y.isFinite && box.z.isFinite && box.w.isFinite {
            images.append(a.image)
            classes.append(a.category)
            boxes.append(box)
            scores.append(Double((j + v * 3) % 5) / 4)
        }
    }
    let detections: EvaluatedDetections
    do {
        detections = try EvaluatedDetections(
            images: images, categories: classes, boxes: boxes, scores: scores, groundTruth: truth, source: "derived")
    } catch {
        preconditionFailure("detections made from the ground truth are refused: \(error)")
    }
    let p = size % 8 == 0 ? EvaluationParameters.coco : fewerThresholds
    let evaluation = COCOEvaluation(groundTruth: truth, detections: detections, parameters: p, threads: 1)
    let (T, R, K) = (p.iouThresholds.count, p.recallThresholds.count, truth.categories.count)
    let (A, M) = (p.areaRanges.count, p.maxDetections.count)
    precondition(evaluation.precision.count == T * R * K * A * M && evaluation.recall.count == T * K * A * M)
    // Precision and recall are fractions, or −1 where undefined; so are the statistics, their means.
    for value in evaluation.precision + evaluation.recall + COCOStatistics(evaluation).values {
        precondition(value == -1 || (0...1).contains(value), "precision, recall or a statistic is \(value)")
    }
    // The explanations on the same data: TIDE (AP points in 0…100, costs not negative), the confusion matrix (each
    // non-crowd box counted once in its true category's column) and the confidence curves (fractions or −1).
    if let tide = try? TIDE(groundTruth: truth, detections: detections) {
        precondition((0...100).contains(tide.averagePrecision), "TIDE AP \(tide.averagePrecision)")
        for t in TIDE.ErrorType.allCases {
            precondition((tide.deltaAP[t] ?? -1) >= 0 && (tide.deltaAP[t] ?? .nan).isFinite && (tide.counts[t] ?? -1) >= 0, "TIDE \(t)")
        }
        precondition(tide.falsePositiveDeltaAP.isFinite && tide.falseNegativeDeltaAP.isFinite, "TIDE special errors")
    }
    // Boxes beyond Float's range are refused by name; the others are counted.
    if let matrix = try? ConfusionMatrix(groundTruth: truth, detections: detections, confidence: 0.25, iouThreshold: 0.45) {
        let ids = ConfusionMatrix.classIDs(of: truth)
        for (c, id) in ids.enumerated() {
            let boxes = truth.annotations.count { !$0.isCrowd && $0.category == id }
            precondition(matrix.counts.reduce(0) { $0 + $1[c] } == boxes, "confusion matrix column \(c)")
        }
    }
    let curves = ConfidenceCurves(groundTruth: truth, detections: detections)
    for curve in [curves.overall] + Array(curves.byCategory.values) {
        for value in curve.precision + curve.recall + curve.f1 {
            precondition(value == -1 || (0...1).contains(value), "a confidence curve holds \(value)")
        }
    }
    return 0
}

// The entry point SwiftPM links this program with (see FuzzDriver).
@_cdecl("FuzzCOCOGroundTruth_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}

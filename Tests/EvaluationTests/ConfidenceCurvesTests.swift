import COCO
import Evaluation
import Foundation
import Testing

/// Precision, recall and F1 against the confidence threshold, worked out by hand; AP per category at each IoU.
@Suite struct ConfidenceCurvesTests {
    static let truth = """
        {"images": [{"id": 1}], "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0},
                         {"id": 2, "image_id": 1, "category_id": 1, "bbox": [20, 0, 10, 10], "area": 100, "iscrowd": 0},
                         {"id": 3, "image_id": 1, "category_id": 2, "bbox": [40, 0, 10, 10], "area": 100, "iscrowd": 0}]}
        """
    static let results = """
        [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9},
         {"image_id": 1, "category_id": 1, "bbox": [50, 50, 5, 5], "score": 0.8},
         {"image_id": 1, "category_id": 2, "bbox": [40, 0, 10, 10], "score": 0.7},
         {"image_id": 1, "category_id": 1, "bbox": [20, 0, 10, 10], "score": 0.6}]
        """

    static func load() throws -> (COCOGroundTruth, EvaluatedDetections) {
        let truth = try COCOGroundTruth(data: Data(Self.truth.utf8), source: "gt")
        return (truth, try EvaluatedDetections(results: COCOResults(data: Data(Self.results.utf8), source: "dt"), groundTruth: truth))
    }

    @Test func rawCountsAtEachThreshold() throws {
        let (truth, detections) = try Self.load()
        let curves = ConfidenceCurves(groundTruth: truth, detections: detections, thresholds: [0.5, 0.85, 0.95])
        // Category 1: 0.9 TP, 0.8 FP, 0.6 TP against 2 boxes. Raw precision at 0.5 is 2/3, not the 1 an
        // interpolated curve would show at recall 1/2.
        let a = try #require(curves.byCategory[1])
        #expect(a.precision == [2.0 / 3, 1, -1] && a.recall == [1, 0.5, 0])
        #expect(abs(a.f1[0] - 0.8) < 1e-15 && abs(a.f1[1] - 2.0 / 3) < 1e-15 && a.f1[2] == -1)
        #expect(curves.byCategory[2] == ConfidenceCurves.Curve(precision: [1, -1, -1], recall: [1, 0, 0], f1: [1, -1, -1]))
        #expect(curves.byCategory[3] == ConfidenceCurves.Curve(precision: [-1, -1, -1], recall: [-1, -1, -1], f1: [-1, -1, -1]))
        // Pooled: 0.9 T, 0.8 F, 0.7 T, 0.6 T against 3 boxes.
        #expect(curves.overall.precision == [0.75, 1, -1] && curves.overall.recall == [1, 1.0 / 3, 0])
        let best = try #require(curves.best)
        #expect(best.threshold == 0.6 && abs(best.f1 - 6.0 / 7) < 1e-15 && best.precision == 0.75 && best.recall == 1)
    }

    /// Per category and IoU threshold, AP averages to the per-category AP@[.50:.95]; the category without ground
    /// truth is −1.
    @Test func averagePrecisionByCategoryAndThreshold() throws {
        let (truth, detections) = try Self.load()
        let evaluation = COCOEvaluation(groundTruth: truth, detections: detections)
        let byThreshold = evaluation.averagePrecisionByCategoryAndThreshold(), overall = evaluation.averagePrecisionByCategory()
        for id in [1, 2] {
            let values = try #require(byThreshold[id])
            #expect(values.count == 10 && abs(values.reduce(0, +) / 10 - (overall[id] ?? .nan)) < 1e-12)
        }
        #expect(abs((byThreshold[2]?.first ?? 0) - 1) < 1e-12 && byThreshold[3] == Array(repeating: -1, count: 10))
    }
}

import COCO
@testable import Evaluation
import Foundation
import Testing

/// Oriented evaluation against pycocotools' own `COCOeval` with its `computeIoU` replaced by shapely's exact polygon
/// IoU (`Fixtures/rotated-eval/cases.json`, made by `training/golden_rotated_eval.py`; crowd regions by the
/// intersection over the detection's area, a detection's area the rbox's `w·h`): clustered scenes, angles over
/// [−2π, 2π] with multiples of π/2, very thin and zero-size boxes, crowds, area fields unlike `w·h`, images without
/// ground truth or detections, tied scores, more than 100 detections in an image, near-identical boxes.
@Suite struct RotatedEvaluationTests {
    static let cases = PycocotoolsFixtureTests.cases("rotated-eval/cases", detections: "results")

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 10 && Self.cases.allSatisfy { $0.stats.count == 12 })
    }

    @Test(arguments: Self.cases.map(\.name))
    func statisticsEqualPycocotoolsOnShapely(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let truth = try COCOGroundTruth(data: c.groundTruth, source: "\(name)/gt")
        let results = try COCOResults(data: c.detections, source: "\(name)/dt")
        let detections = try EvaluatedDetections(results: results, groundTruth: truth)
        #expect((detections.rotated != nil) == (results.count > 0))
        let fast = COCOEvaluation(groundTruth: truth, detections: detections)
        let reference = COCOEvaluation.reference(groundTruth: truth, detections: detections)
        #expect(fast.precision == reference.precision && fast.recall == reference.recall, "\(name): fast path vs reference")
        for (k, (ours, theirs)) in zip(fast.statistics.values, c.stats).enumerated() {
            // Shapely's clipping and ours round differently in the last bits of an IoU.
            #expect(abs(ours - theirs) <= 1e-9, "\(name) \(COCOStatistics.names[k]): \(ours) vs pycocotools on shapely \(theirs)")
        }
    }

    /// Oriented detections need oriented ground truth, and records must agree on having an rbox; both named.
    @Test func orientationMismatchesAreNamed() throws {
        let truth = try COCOGroundTruth(
            data: Data(#"{"images": [{"id": 1}], "categories": [{"id": 1}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 4, 4]}]}"#.utf8),
            source: "gt")
        let oriented = try COCOResults(
            data: Data(#"[{"image_id": 1, "category_id": 1, "rbox": [2, 2, 4, 4, 0], "score": 0.9}]"#.utf8), source: "dt")
        #expect(throws: EvaluationError.self) { try EvaluatedDetections(results: oriented, groundTruth: truth) }
        do {
            _ = try EvaluatedDetections(results: oriented, groundTruth: truth)
        } catch let e as EvaluationError {
            #expect("\(e)".contains("annotations[0]") && "\(e)".contains("has no \"rbox\""), "\(e)")
        }
    }
}

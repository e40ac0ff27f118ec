import COCO
import Evaluation
import Foundation
import Testing

/// DetectKit's evaluation against pycocotools' own numbers on randomised cases (`Fixtures/eval/cases.json`,
/// made by `training/golden_evaluation.py`): crowds, area fields unlike w·h, images without ground truth or
/// detections, empty categories, tied scores, crowded images, string ids, a ground truth with id 0, zero-sized
/// boxes.
@Suite struct PycocotoolsFixtureTests {
    struct Case: Sendable {
        var name: String
        var groundTruth: Data
        var detections: Data
        var stats: [Double]
    }

    /// The top-level object of a fixture file (`Fixtures/<name>.json`).
    static func file(_ name: String = "eval/cases") -> [String: Any] {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: "json"),
            let data = try? Data(contentsOf: url), let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return top
    }

    /// The cases of a fixture file, their detections under `detections`.
    static func cases(_ name: String, detections: String) -> [Case] {
        ((file(name)["cases"] as? [[String: Any]]) ?? []).map { c in
            Case(
                name: c["name"] as? String ?? "?",
                groundTruth: (try? JSONSerialization.data(withJSONObject: c["ground_truth"] ?? [:])) ?? Data(),
                detections: (try? JSONSerialization.data(withJSONObject: c[detections] ?? [])) ?? Data(),
                stats: ((c["stats"] as? [String]) ?? []).compactMap(Double.init))
        }
    }

    static let cases = cases("eval/cases", detections: "detections")

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 13)
        #expect(Self.cases.allSatisfy { $0.stats.count == 12 })
    }

    @Test(arguments: Self.cases.map(\.name))
    func statisticsEqualPycocotools(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let truth = try COCOGroundTruth(data: c.groundTruth, source: "\(name)/gt")
        let results = try COCOResults(data: c.detections, source: "\(name)/dt")
        let detections = try EvaluatedDetections(results: results, groundTruth: truth)
        let serial = COCOEvaluation(groundTruth: truth, detections: detections, threads: 1)
        for threads in [1, 3] {
            let evaluation = COCOEvaluation(groundTruth: truth, detections: detections, threads: threads)
            // Each category is evaluated whole on one thread: the same bits on any thread count.
            #expect(evaluation.precision == serial.precision && evaluation.recall == serial.recall, "\(name) threads \(threads)")
            let stats = evaluation.statistics.values
            for (k, (ours, theirs)) in zip(stats, c.stats).enumerated() {
                #expect(abs(ours - theirs) <= 1e-12, "\(name) \(COCOStatistics.names[k]): \(ours) vs pycocotools \(theirs)")
            }
        }
    }

    @Test func thresholdsAreNumPysValues() {
        let meta = Self.file()["meta"] as? [String: [String]] ?? [:]
        #expect(EvaluationParameters.coco.iouThresholds == (meta["iou_thresholds"] ?? []).compactMap(Double.init))
        #expect(EvaluationParameters.coco.recallThresholds == (meta["recall_thresholds"] ?? []).compactMap(Double.init))
        #expect(EvaluationParameters.coco.iouThresholds[8] == 0.8999999999999999)
    }
}

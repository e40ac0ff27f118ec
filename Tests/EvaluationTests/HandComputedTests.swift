import COCO
@testable import Evaluation
import Foundation
import Testing

/// Small cases worked out by hand from pycocotools' rules.
@Suite struct HandComputedTests {
    /// Evaluates one image (id 1, category 1) given annotation and result JSON fragments.
    static func statistics(annotations: String, results: String) throws -> COCOStatistics {
        let gt = """
            {"images": [{"id": 1, "file_name": "a.png"}], "categories": [{"id": 1, "name": "a"}],
             "annotations": [\(annotations)]}
            """
        let truth = try COCOGroundTruth(data: Data(gt.utf8), source: "gt")
        let dets = try EvaluatedDetections(results: COCOResults(data: Data("[\(results)]".utf8), source: "dt"), groundTruth: truth)
        return COCOEvaluation(groundTruth: truth, detections: dets).statistics
    }

    static func gt(_ id: Int, _ box: [Double], area: Double? = nil, crowd: Int = 0) -> String {
        "{\"id\": \(id), \"image_id\": 1, \"category_id\": 1, \"bbox\": \(box), \"area\": \(area ?? box[2] * box[3]), \"iscrowd\": \(crowd)}"
    }

    static func dt(_ box: [Double], _ score: Double) -> String {
        "{\"image_id\": 1, \"category_id\": 1, \"bbox\": \(box), \"score\": \(score)}"
    }

    @Test func oneImageTruePositiveFalsePositiveAndAPartialMatch() throws {
        // d1 equals g1; d2 hits nothing; d3 has IoU exactly 0.6 with g2 (60 / 100): a match for t ≤ 0.6.
        let s = try Self.statistics(
            annotations: [Self.gt(1, [100, 100, 20, 20]), Self.gt(2, [0, 0, 10, 10])].joined(separator: ","),
            results: [Self.dt([100, 100, 20, 20], 0.9), Self.dt([300, 300, 10, 10], 0.8), Self.dt([0, 0, 10, 6], 0.7)]
                .joined(separator: ","))
        // t ≤ 0.6: TP FP TP → precision 1 up to recall 0.5 (51 points), then 2/3 (50 points).
        let matched = (51 + 50 * (2.0 / 3)) / 101, unmatched = 51.0 / 101
        #expect(abs(s.AP50 - matched) < 1e-12)
        #expect(abs(s.AP75 - unmatched) < 1e-12)
        #expect(abs(s.AP - (3 * matched + 7 * unmatched) / 10) < 1e-12)
        #expect(abs(s.AR100 - (3 * 1.0 + 7 * 0.5) / 10) < 1e-12)
        #expect(s.AR1 == 0.5)
    }

    @Test func crowdRegionsAbsorbDetections() throws {
        // Three detections inside a crowd region are matched to it (IoU = overlap / detection area = 1) and
        // ignored; the fourth matches the one real object: precision 1 everywhere.
        let s = try Self.statistics(
            annotations: [Self.gt(1, [0, 0, 100, 100], crowd: 1), Self.gt(2, [200, 200, 10, 10])].joined(separator: ","),
            results: [Self.dt([10, 10, 20, 20], 0.9), Self.dt([40, 40, 20, 20], 0.8), Self.dt([10, 60, 20, 20], 0.7),
                      Self.dt([200, 200, 10, 10], 0.6)].joined(separator: ","))
        // Precision is TP / (TP + FP + 2⁻⁵²): 1 − 2⁻⁵² for a perfect ranking.
        #expect(abs(s.AP - 1) < 1e-12 && s.AR100 == 1)
    }

    @Test func areaRangesUseTheAreaField() throws {
        // A 100×100 box whose area field says 500: small, not large. Its detection, matched to it, is ignored
        // in the large range, which then has no ground truth at all (−1).
        let s = try Self.statistics(annotations: Self.gt(1, [0, 0, 100, 100], area: 500), results: Self.dt([0, 0, 100, 100], 0.9))
        #expect(abs(s.APs - 1) < 1e-12, "\(s)")
        #expect(s.APm == -1 && s.APl == -1, "\(s)")
        #expect(abs(s.AP - 1) < 1e-12)
    }

    @Test func tiedScoresKeepInputOrder() throws {
        // Equal scores: the false positive comes first in the file, so it is ranked first: precision 0.5.
        let fpFirst = try Self.statistics(
            annotations: Self.gt(1, [0, 0, 10, 10]), results: [Self.dt([50, 50, 10, 10], 0.5), Self.dt([0, 0, 10, 10], 0.5)].joined(separator: ","))
        let tpFirst = try Self.statistics(
            annotations: Self.gt(1, [0, 0, 10, 10]), results: [Self.dt([0, 0, 10, 10], 0.5), Self.dt([50, 50, 10, 10], 0.5)].joined(separator: ","))
        #expect(fpFirst.AP50 == 0.5)
        #expect(abs(tpFirst.AP50 - 1) < 1e-12)
    }

    @Test func noGroundTruthAtAllIsUndefined() throws {
        let s = try Self.statistics(annotations: "", results: Self.dt([0, 0, 10, 10], 0.5))
        #expect(s.values.allSatisfy { $0 == -1 })
    }

    @Test func meansSumPairwiseAsNumPyDoes() {
        // NumPy's np.sum of these (printed by NumPy): pairwise order, unlike a running sum.
        #expect(PairwiseSum.sum([Double](repeating: 0.1, count: 1000)[...]) == 100.00000000000001)
        #expect(PairwiseSum.sum((0..<1000).map { Double(($0 * 7919) % 1000) / 997.0 }[...]) == 501.00300902708125)
    }
}

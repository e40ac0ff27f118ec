import COCO
import Evaluation
import Foundation
import Testing

/// TIDE against tidecv 1.0.1's own numbers (`Fixtures/tide.json`, made by `training/golden_tide.py`): crowded
/// scenes, crowd regions, empty images, categories without ground truth, tied scores, other thresholds, more
/// detections than the per-image cap, string ids, IoUs exactly at the thresholds, and the cases where fixing moves
/// AP through tied scores or competing fixes on one box. AP and every ΔAP to 1e-9, counts exactly.
@Suite struct TIDEFixtureTests {
    static func load() throws -> [[String: Any]] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/tide", withExtension: "json"))
        let top = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect((top["peer"] as? String)?.hasPrefix("tidecv ") == true)
        return try #require(top["cases"] as? [[String: Any]])
    }

    @Test func equalsTidecv() throws {
        let cases = try Self.load()
        #expect(cases.count >= 12)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            var truth = try #require(c["ground_truth"] as? [String: Any])
            var results = try #require(c["results"] as? [[String: Any]])
            // DetectKit refuses what tidecv takes silently: a record of an image the ground truth lacks (tidecv drops
            // it) or of an unlisted category (tidecv scores it as a category of AP 0). The refusal is checked, then
            // the records of unknown images are dropped and unlisted categories listed, which gives tidecv's input.
            let images = Set(((truth["images"] as? [[String: Any]]) ?? []).map { "\($0["id"] ?? "")" })
            var categories = ((truth["categories"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }
            let unknownImage = results.contains { !images.contains("\($0["image_id"] ?? "")") }
            let unlisted = Set(results.compactMap { $0["category_id"] as? Int }).subtracting(categories).sorted()
            if unknownImage || !unlisted.isEmpty {
                #expect(throws: EvaluationError.self, "\(name)") { try Self.evaluate(truth, results) }
            }
            results.removeAll { !images.contains("\($0["image_id"] ?? "")") }
            for id in unlisted {
                categories.append(id)
                truth["categories"] = ((truth["categories"] as? [[String: Any]]) ?? []) + [["id": id, "name": "unlisted \(id)"]]
            }
            let params = try #require(c["params"] as? [String: Any])
            let tide = try Self.evaluate(truth, results, TIDE.Parameters(
                positiveThreshold: try #require(params["pos_threshold"] as? Double),
                backgroundThreshold: try #require(params["background_threshold"] as? Double),
                maxDetections: try #require(params["max_dets"] as? Int)))

            let expected = try #require(c["expected"] as? [String: Any])
            func number(_ v: Any?) throws -> Double { try #require((v as? String).flatMap(Double.init)) }
            #expect(abs(tide.averagePrecision - (try number(expected["ap"]))) <= 1e-9, "\(name) AP \(tide.averagePrecision)")
            let main = try #require(expected["main"] as? [String: Any]), counts = try #require(expected["counts"] as? [String: Int])
            for type in TIDE.ErrorType.allCases {
                let want = try number(main[type.rawValue]), got = tide.deltaAP[type] ?? .nan
                #expect(abs(got - want) <= 1e-9, "\(name) \(type.rawValue): \(got) vs \(want)")
                #expect(tide.counts[type] == counts[type.rawValue], "\(name) \(type.rawValue) count")
            }
            let special = try #require(expected["special"] as? [String: Any])
            #expect(abs(tide.falsePositiveDeltaAP - (try number(special["FalsePos"]))) <= 1e-9, "\(name) FalsePos")
            #expect(abs(tide.falseNegativeDeltaAP - (try number(special["FalseNeg"]))) <= 1e-9, "\(name) FalseNeg")
        }
    }

    static func evaluate(_ truth: [String: Any], _ results: [[String: Any]], _ parameters: TIDE.Parameters = .init()) throws -> TIDE {
        let groundTruth = try COCOGroundTruth(data: JSONSerialization.data(withJSONObject: truth), source: "gt.json")
        let detections = try EvaluatedDetections(
            results: COCOResults(data: JSONSerialization.data(withJSONObject: results), source: "results.json"), groundTruth: groundTruth)
        return try TIDE(groundTruth: groundTruth, detections: detections, parameters: parameters)
    }

    /// Thresholds out of range, or the background one above the positive one, and a negative cap are named errors.
    @Test func badParametersAreNamedErrors() throws {
        let truth: [String: Any] = [
            "images": [["id": 1]], "categories": [["id": 1, "name": "a"]],
            "annotations": [["id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0]],
        ]
        let results: [[String: Any]] = [["image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9]]
        #expect(try Self.evaluate(truth, results).averagePrecision == 100)
        for p in [TIDE.Parameters(positiveThreshold: 1.5), TIDE.Parameters(positiveThreshold: .nan), TIDE.Parameters(backgroundThreshold: 0.6),
                  TIDE.Parameters(backgroundThreshold: -0.1), TIDE.Parameters(maxDetections: -1)] {
            #expect(throws: EvaluationError.self) { try Self.evaluate(truth, results, p) }
        }
        let empty: [String: Any] = ["images": [["id": 1]], "categories": [["id": 1, "name": "a"]], "annotations": [[String: Any]]()]
        #expect(throws: EvaluationError.self) { try Self.evaluate(empty, []) }
    }
}

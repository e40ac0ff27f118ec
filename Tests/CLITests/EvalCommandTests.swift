import DetectKitTestSupport
import Foundation
import Testing

/// `detectkit eval` end to end.
@Suite struct EvalCommandTests {
    static let truth = """
        {"images": [{"id": 1, "file_name": "a.png"}], "categories": [{"id": 1, "name": "a"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [100, 100, 20, 20], "area": 400, "iscrowd": 0},
                         {"id": 2, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0}]}
        """
    static let results = """
        [{"image_id": 1, "category_id": 1, "bbox": [100, 100, 20, 20], "score": 0.9},
         {"image_id": 1, "category_id": 1, "bbox": [300, 300, 10, 10], "score": 0.8},
         {"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 6], "score": 0.7}]
        """

    @Test func printsTheTwelveStatisticsAsJSON() throws {
        let gt = try TemporaryFile(Self.truth), dt = try TemporaryFile(Self.results)
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Double])
        #expect(Set(json.keys) == ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"])
        #expect(abs(json["AP50"]! - (51 + 50 * (2.0 / 3)) / 101) < 1e-12)
        #expect(json["AR1"] == 0.5)
        #expect(json["APl"] == -1)
    }

    @Test func printsPycocotoolsSummaryLines() throws {
        let gt = try TemporaryFile(Self.truth), dt = try TemporaryFile(Self.results)
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines[1] == " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.835")
        #expect(lines[6] == " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.500")
    }

    /// `--tide` adds tidecv's error breakdown: under "tide" with `--json` (equal to tidecv's numbers on a case of
    /// the TIDE fixture), and as a summary after the twelve lines.
    @Test func tideBreaksTheErrorsDown() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let fixture = try Data(contentsOf: root.appendingPathComponent("EvaluationTests/Fixtures/tide.json"))
        let cases = try #require((try JSONSerialization.jsonObject(with: fixture) as? [String: Any])?["cases"] as? [[String: Any]])
        let c = try #require(cases.first { $0["name"] as? String == "strict" })
        let gt = try TemporaryFile(String(decoding: try JSONSerialization.data(withJSONObject: c["ground_truth"] ?? [:]), as: UTF8.self))
        let dt = try TemporaryFile(String(decoding: try JSONSerialization.data(withJSONObject: c["results"] ?? []), as: UTF8.self))
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--json", "--tide", "--tide-iou", "0.75", "--tide-background", "0.2"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let tide = try #require(json["tide"] as? [String: Any])
        let delta = try #require(tide["delta_ap"] as? [String: Double]), counts = try #require(tide["counts"] as? [String: Int])
        let expected = try #require(c["expected"] as? [String: Any])
        let main = try #require(expected["main"] as? [String: String]), special = try #require(expected["special"] as? [String: String])
        #expect(Set(delta.keys) == ["Cls", "Loc", "Both", "Dupe", "Bkg", "Miss", "FalsePos", "FalseNeg"])
        for (key, value) in main.merging(special, uniquingKeysWith: { a, _ in a }) {
            #expect(abs((delta[key] ?? .nan) - (Double(value) ?? .infinity)) <= 1e-9, "\(key)")
        }
        #expect(counts == expected["counts"] as? [String: Int])
        let text = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--tide"])
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 16 && lines[12].hasPrefix(" TIDE errors at IoU 0.50: AP "), "\(text.stdout)")
    }

    /// `--confusion-matrix`: Ultralytics' counts, rows predicted then background, columns true then background.
    /// Here the first object is found, the detection at (300, 300) is background, and the box over the second
    /// object (IoU 0.6) matches it at the default IoU 0.45 but not at 0.7.
    @Test func confusionMatrixCountsAsUltralytics() throws {
        let gt = try TemporaryFile(Self.truth), dt = try TemporaryFile(Self.results)
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--json", "--confusion-matrix"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let matrix = try #require(json["confusion_matrix"] as? [String: Any])
        #expect(matrix["category_ids"] as? [Int] == [1])
        #expect(matrix["counts"] as? [[Int]] == [[2, 1], [0, 0]])  // IoU of [0, 0, 10, 6] with [0, 0, 10, 10] is 0.6
        let strict = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--json", "--confusion-matrix", "--confusion-iou", "0.7"])
        let strictMatrix = try #require((try JSONSerialization.jsonObject(with: Data(strict.stdout.utf8)) as? [String: Any])?["confusion_matrix"] as? [String: Any])
        #expect(strictMatrix["counts"] as? [[Int]] == [[1, 2], [1, 0]])
        let text = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--confusion-matrix"])
        #expect(text.stdout.contains(" Confusion matrix (rows: predicted, columns: true), confidence > 0.25, IoU > 0.45"))
        #expect(text.stdout.contains("background"))
    }

    /// `--curves`: AP per category at every IoU (their mean over categories at 0.5 is AP50), raw precision, recall
    /// and F1 against the confidence, and the best F1: here TP 0.9, FP 0.8, TP 0.7 against two boxes, best at 0.7.
    @Test func curvesGivePerClassAPAndTheBestF1() throws {
        let gt = try TemporaryFile(Self.truth), dt = try TemporaryFile(Self.results)
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--json", "--curves"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let perClass = try #require((json["per_class"] as? [String: Any])?["AP"] as? [String: [Double]])
        #expect(perClass.keys.sorted() == ["1"] && perClass["1"]?.count == 10 && perClass["1"]?.first == json["AP50"] as? Double)
        let curves = try #require(json["curves"] as? [String: Any])
        let best = try #require(curves["best_f1"] as? [String: Double])
        #expect(best["threshold"] == 0.7 && best["precision"] == 2.0 / 3 && best["recall"] == 1)
        let overall = try #require(curves["overall"] as? [String: [Double]])
        #expect(overall["precision"]?.count == 101 && overall["precision"]?[50] == 2.0 / 3 && overall["precision"]?[85] == 1)
        #expect(overall["precision"]?[95] == -1 && overall["recall"]?[95] == 0)  // nothing scores 0.95: precision undefined
        let text = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--curves"])
        #expect(text.stdout.contains(" Best F1 0.800 at confidence >= 0.7 (precision 0.667, recall 1.000), IoU 0.50"), "\(text.stdout)")
    }

    @Test func unknownImageIsNamed() throws {
        let gt = try TemporaryFile(Self.truth)
        let dt = try TemporaryFile(#"[{"image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]"#)
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("record 0: image_id 5 is not among the ground truth's images"))
    }
}

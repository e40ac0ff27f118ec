import Boxes
import COCO
import Evaluation
import Foundation
import Testing

/// The confusion matrix against Ultralytics' own (`Fixtures/confusion-matrix.json`, made by
/// `training/golden_confusion.py` with ultralytics 8.4.190): its validator's and predictor's thresholds, IoUs and
/// scores exactly at the thresholds, tied scores and IoUs, crowded images, images without ground truth or
/// detections, a higher-scoring box of the wrong class taking an object.
@Suite struct ConfusionMatrixTests {
    @Test func equalsUltralytics() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/confusion-matrix", withExtension: "json"))
        let top = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect((top["peer"] as? String)?.hasPrefix("ultralytics ") == true)
        let cases = try #require(top["cases"] as? [[String: Any]])
        #expect(cases.count >= 10)
        func boxes(_ v: Any?) -> BoxArray {
            BoxArray(((v as? [[Double]]) ?? []).map { Box(x1: Float($0[0]), y1: Float($0[1]), x2: Float($0[2]), y2: Float($0[3])) })
        }
        for c in cases {
            let name = c["name"] as? String ?? "?"
            var m = try ConfusionMatrix(
                classCount: try #require(c["num_classes"] as? Int), confidence: Float(try #require(c["conf"] as? Double)),
                iouThreshold: Float(try #require(c["iou"] as? Double)))
            for (k, image) in ((c["images"] as? [[String: Any]]) ?? []).enumerated() {
                try m.add(
                    truth: boxes(image["gt_boxes"]), truthClasses: (image["gt_classes"] as? [Int]) ?? [],
                    detections: boxes(image["boxes"]), scores: ((image["scores"] as? [Double]) ?? []).map(Float.init),
                    classes: (image["classes"] as? [Int]) ?? [], image: "\(name) image \(k)")
            }
            let expected = try #require((c["expected"] as? [String: Any])?["matrix"] as? [[Double]])
            #expect(m.counts == expected.map { $0.map { Int($0) } }, "\(name)")
        }
    }

    @Test func badInputIsNamed() throws {
        #expect(throws: EvaluationError.self) { try ConfusionMatrix(classCount: 2, confidence: 1.5) }
        #expect(throws: EvaluationError.self) { try ConfusionMatrix(classCount: 2, iouThreshold: .nan) }
        var m = try ConfusionMatrix(classCount: 2)
        let box = BoxArray([Box(x1: 0, y1: 0, x2: 10, y2: 10)])
        #expect(throws: EvaluationError.self) { try m.add(truth: box, truthClasses: [2], detections: BoxArray(), scores: [], classes: []) }
        #expect(throws: EvaluationError.self) {
            try m.add(truth: BoxArray(), truthClasses: [], detections: BoxArray([Box(x1: 5, y1: 0, x2: 1, y2: 10)]), scores: [0.9], classes: [0])
        }
        #expect(throws: EvaluationError.self) { try m.add(truth: box, truthClasses: [0], detections: box, scores: [.nan], classes: [0]) }
        #expect(m.counts == [[0, 0, 0], [0, 0, 0], [0, 0, 0]])  // nothing added by a refused image
        try m.add(truth: box, truthClasses: [0], detections: box, scores: [0.9], classes: [1])
        #expect(m.counts == [[0, 0, 0], [1, 0, 0], [0, 0, 0]])  // a class confusion, counted once
    }
}

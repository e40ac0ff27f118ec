import Boxes
import Foundation
@testable import Suppression
import DetectKitUtilities
import Testing

/// Rotated greedy NMS and Fast NMS against `Fixtures/rotated-nms.json` (`training/golden_rotated.py`): Fast NMS on
/// ProbIoU is Ultralytics' own `TorchNMS.fast_nms(..., iou_func=batch_probiou)`; greedy NMS on exact IoU is a
/// float64 greedy NMS on shapely's polygons (the reference: OpenCV's `NMSBoxesRotated` intersects in float32);
/// the other two combinations are computed by the script on the same overlap matrices. Twelve clustered sets of 5–60
/// boxes with distinct scores, thresholds 0.3, 0.5 and 0.7.
@Suite struct RotatedNMSTests {
    struct Set: Decodable {
        var boxes: [[Float]]
        var scores: [Float]
        var survivors: [String: [Int]]

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            boxes = try c.decode([[Float]].self, forKey: AnyKey("boxes"))
            scores = try c.decode([Float].self, forKey: AnyKey("scores"))
            survivors = [:]
            for key in c.allKeys where key.stringValue.contains("@") { survivors[key.stringValue] = try c.decode([Int].self, forKey: key) }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    @Test func survivorsEqualTheReferences() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/rotated-nms", withExtension: "json"))
        struct File: Decodable { var sets: [Set] }
        let sets = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).sets
        #expect(sets.count == 12)
        var compared = 0
        for (n, s) in sets.enumerated() {
            let boxes = s.boxes.map { RotatedBox(cx: $0[0], cy: $0[1], width: $0[2], height: $0[3], angle: $0[4]) }
            for (key, expected) in s.survivors {
                let parts = key.split(separator: "@"), threshold = Float(parts[1]) ?? -1
                let name = parts[0].split(separator: "_")
                let overlap = OverlapMeasure(rawValue: String(name[1])) ?? .iou
                let kept = name[0] == "fast"
                    ? RotatedNMS.fast(boxes, scores: s.scores, threshold: threshold, overlap: overlap)
                    : RotatedNMS.greedy(boxes, scores: s.scores, threshold: threshold, overlap: overlap)
                #expect(kept == expected, "set \(n) \(key)")
                compared += 1
            }
        }
        #expect(compared == 12 * 12)
    }
}

/// The fast paths (enclosing boxes settling far pairs) against the plain references, on random scenes.
@Suite struct RotatedNMSReferenceTests {
    @Test(arguments: 0..<40)
    func fastPathsEqualTheReferences(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let n = Int.random(in: 0...150, using: &rng)
        let boxes = (0..<n).map { _ in
            RotatedBox(
                cx: Float.random(in: 0...300, using: &rng), cy: Float.random(in: 0...300, using: &rng),
                width: Float.random(in: 0...60, using: &rng), height: Float.random(in: 0...60, using: &rng),
                angle: Float.random(in: -4...4, using: &rng))
        }
        let scores = (0..<n).map { _ in Float(Int.random(in: 0...20, using: &rng)) / 20 }  // ties too
        for threshold: Float in [0.0, 0.3, 0.5, 0.8] {
            for overlap in OverlapMeasure.allCases {
                #expect(
                    RotatedNMS.greedy(boxes, scores: scores, threshold: threshold, overlap: overlap)
                        == RotatedNMS.reference(fast: false, boxes, scores: scores, threshold: threshold, overlap: overlap),
                    "seed \(seed) greedy \(overlap) \(threshold)")
                #expect(
                    RotatedNMS.fast(boxes, scores: scores, threshold: threshold, overlap: overlap)
                        == RotatedNMS.reference(fast: true, boxes, scores: scores, threshold: threshold, overlap: overlap),
                    "seed \(seed) fast \(overlap) \(threshold)")
            }
        }
    }
}

import COCO
import DetectKitUtilities
@testable import Evaluation
import Foundation
import Testing

/// The fast evaluation (one score sort per category, matching into status bytes, precision only at true
/// positives) against the plain reference that follows pycocotools line by line: the precision and recall arrays
/// must be identical to the bit, over random data full of the cases the rules single out.
@Suite struct ReferenceEvaluationTests {
    /// Random ground truth and detections: images without annotations or without detections, categories without
    /// ground truth, crowd regions, `area` fields away from w·h, annotation id 0, tied scores, more detections per
    /// image than a max-detections cut, boxes at area-range bounds.
    static func data(seed: UInt64) throws -> (COCOGroundTruth, EvaluatedDetections) {
        var rng = SplitMix64(seed: seed)
        let imageCount = Int.random(in: 1...25, using: &rng), categoryCount = Int.random(in: 1...6, using: &rng)
        var annotations: [String] = []
        var images: [Int] = [], categories: [Int] = [], boxes: [SIMD4<Double>] = [], scores: [Double] = []
        func box() -> SIMD4<Double> {
            let side = [4, 8, 31, 32, 33, 60, 95, 96, 97, 200][Int.random(in: 0..<10, using: &rng)]
            let w = Double(side) * Double.random(in: 0.7...1.3, using: &rng), h = Double(side) * Double.random(in: 0.7...1.3, using: &rng)
            return [Double.random(in: 0...200, using: &rng).rounded(), Double.random(in: 0...200, using: &rng).rounded(), w, h]
        }
        for image in 0..<imageCount {
            var truths: [SIMD4<Double>] = []
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                let b = Int.random(in: 0..<6, using: &rng) == 0 ? [32, 32, 32, 32] : box()
                truths.append(b)
                let id = Int.random(in: 0..<40, using: &rng) == 0 ? 0 : annotations.count + 1
                let area = Bool.random(using: &rng) ? b.z * b.w : b.z * b.w * Double.random(in: 0.5...1, using: &rng)
                annotations.append(
                    "{\"id\": \(id), \"image_id\": \(image + 1), \"category_id\": \(Int.random(in: 1...categoryCount, using: &rng)), "
                        + "\"bbox\": [\(b.x), \(b.y), \(b.z), \(b.w)], \"area\": \(area), "
                        + "\"iscrowd\": \(Int.random(in: 0..<12, using: &rng) == 0 ? 1 : 0)}")
            }
            for _ in 0..<Int.random(in: 0...14, using: &rng) {
                var b = box()
                if let t = truths.randomElement(using: &rng), Bool.random(using: &rng) {
                    b = t + [Double.random(in: -3...3, using: &rng), Double.random(in: -3...3, using: &rng), 0, 0]
                }
                images.append(image)
                categories.append(Int.random(in: 1...(categoryCount + 1), using: &rng))
                boxes.append(b)
                scores.append(Double(Int.random(in: 0...20, using: &rng)) / 20)
            }
        }
        let text = """
            {"images": [\((1...imageCount).map { "{\"id\": \($0)}" }.joined(separator: ", "))],
             "categories": [\((1...(categoryCount + 1)).map { "{\"id\": \($0)}" }.joined(separator: ", "))],
             "annotations": [\(annotations.joined(separator: ",\n"))]}
            """
        let truth = try COCOGroundTruth(data: Data(text.utf8), source: "gt")
        let detections = try EvaluatedDetections(
            images: images, categories: categories, boxes: boxes, scores: scores, groundTruth: truth, source: "dt")
        return (truth, detections)
    }

    static let parameters: [EvaluationParameters] = [
        .coco,
        EvaluationParameters(
            iouThresholds: [0.1, 0.5, 0.9], recallThresholds: EvaluationParameters.linspace(0, 1, 11), maxDetections: [1, 3, 5],
            areaRanges: [.init(label: "all", lower: 0, upper: 1e10), .init(label: "mid", lower: 900, upper: 4000)]),
    ]

    @Test(arguments: 0..<200)
    func fastPathEqualsTheReference(seed: UInt64) throws {
        let (truth, detections) = try Self.data(seed: seed)
        for parameters in Self.parameters {
            let fast = COCOEvaluation(groundTruth: truth, detections: detections, parameters: parameters, threads: Int(seed % 3) + 1)
            let reference = COCOEvaluation.reference(groundTruth: truth, detections: detections, parameters: parameters)
            #expect(fast.precision.map(\.bitPattern) == reference.precision.map(\.bitPattern), "seed \(seed)")
            #expect(fast.recall.map(\.bitPattern) == reference.recall.map(\.bitPattern), "seed \(seed)")
        }
    }
}

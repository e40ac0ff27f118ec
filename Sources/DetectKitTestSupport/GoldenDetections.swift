import Boxes
import NeuralCore

/// A detector's raw detections as PyTorch wrote them into a golden file (`detections.boxes` xyxy, `.scores`,
/// `.classes` 0-based, `.sigmas` per coordinate), and how far a Swift detector's output is from them.
public struct GoldenDetections {
    /// How far found detections are from the golden ones, field by field.
    public struct Errors {
        /// Whether both sides have the same number of detections (the other fields are meaningless otherwise).
        public var countsMatch: Bool
        /// Worst relative error of a box coordinate (`worstRelativeError` of the scalars).
        public var box: Float
        /// Worst absolute error of a score.
        public var score: Float
        /// Worst relative error of a σ; infinite when the found detections carry none.
        public var sigma: Float
        /// Indices whose category is not the golden class + 1.
        public var wrongCategories: [Int]
    }

    /// Boxes, four coordinates per detection.
    public var boxes: [Float]
    /// Scores.
    public var scores: [Float]
    /// Classes, 0-based as the network numbers them.
    public var classes: [Float]
    /// Standard deviations, four per detection.
    public var sigmas: [Float]

    /// The `detections.*` tensors of a golden file.
    public init(_ golden: SafeTensors) throws {
        boxes = try golden.tensor("detections.boxes").scalars
        scores = try golden.tensor("detections.scores").scalars
        classes = try golden.tensor("detections.classes").scalars
        sigmas = try golden.tensor("detections.sigmas").scalars
    }

    /// The errors of `found` against these, in the same order; both sides' box coordinates are first clamped to
    /// `[0, limit]` (`detect` clips to the image; raw decoded boxes are not).
    public func errors(of found: Detections, clampingBoxesTo limit: Float) -> Errors {
        var e = Errors(countsMatch: found.count == scores.count, box: 0, score: 0, sigma: 0, wrongCategories: [])
        guard e.countsMatch, boxes.count == 4 * scores.count, sigmas.count == 4 * scores.count else {
            return Errors(countsMatch: false, box: .infinity, score: .infinity, sigma: .infinity, wrongCategories: [])
        }
        for i in 0..<found.count {
            let b = found.boxes[i], range = (i * 4)..<(i * 4 + 4)
            let clamp = { (v: Float) in min(max(v, 0), limit) }
            e.box = max(e.box, worstRelativeError([b.x1, b.y1, b.x2, b.y2].map(clamp), boxes[range].map(clamp)))
            e.score = max(e.score, abs(found.scores[i] - scores[i]))
            if found.categories[i] != Int(classes[i]) + 1 { e.wrongCategories.append(i) }
            if let d = found.deviations?[i] {
                e.sigma = max(e.sigma, worstRelativeError([d.x, d.y, d.z, d.w], Array(sigmas[range])))
            } else {
                e.sigma = .infinity
            }
        }
        return e
    }
}

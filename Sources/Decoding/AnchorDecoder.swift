import Boxes
import Foundation
import NeuralCore

/// Decodes the head outputs of anchor-based detectors (`cls_logits`, `bbox_regression` and the anchors) into
/// detections in the original image, as `torchvision.models.detection` post-processes them.
///
/// - ``Kind/retinanet`` (`RetinaNet.postprocess_detections`): per feature level, `sigmoid` of every
///   (anchor, class) logit; those `> scoreThreshold`; the `topkCandidates` best (ties: lower index first); each
///   anchor decoded with ``BoxCoder`` (weights 1, 1, 1, 1) and clipped to the network input; all levels together
///   through `batched_nms`; the first `detectionsPerImage`. Labels are class indices as the head counts them.
/// - ``Kind/ssd`` (`SSD.postprocess_detections`): every anchor decoded (weights 10, 10, 5, 5) and clipped;
///   `softmax` over each anchor's classes; for each class but 0 (background) the scores
///   `> scoreThreshold`, the `topkCandidates` best; then `batched_nms` and the first `detectionsPerImage`.
/// Boxes then go from the network input (`inputWidth × inputHeight`, the image as the model's transform resized
/// it) to the original image by `transform.postprocess`: `x · (W / inputWidth)`, `y · (H / inputHeight)`.
/// Defaults are torchvision's: RetinaNet 0.05, 0.5, 300, 1000; SSD 0.01, 0.45, 200, 400.
public struct AnchorDecoder: Sendable {
    /// Which post-processing.
    public enum Kind: String, Sendable, CaseIterable {
        /// torchvision's RetinaNet (sigmoid scores, candidates per feature level).
        case retinanet
        /// torchvision's SSD and SSDlite (softmax scores with a background class, candidates per class).
        case ssd
    }

    /// Thresholds and caps, named after torchvision's.
    public struct Options: Sendable, Equatable {
        /// `score_thresh`: a candidate's score must be strictly above it.
        public var scoreThreshold: Float
        /// `nms_thresh`.
        public var nmsThreshold: Float
        /// `detections_per_img`.
        public var detectionsPerImage: Int
        /// `topk_candidates`: per level (RetinaNet) or per class (SSD).
        public var topkCandidates: Int
        /// The box coder's weights.
        public var weights: SIMD4<Float>

        /// Explicit options.
        public init(scoreThreshold: Float, nmsThreshold: Float, detectionsPerImage: Int, topkCandidates: Int, weights: SIMD4<Float>) {
            self.scoreThreshold = scoreThreshold
            self.nmsThreshold = nmsThreshold
            self.detectionsPerImage = detectionsPerImage
            self.topkCandidates = topkCandidates
            self.weights = weights
        }

        /// torchvision's defaults for `kind`.
        public static func defaults(for kind: Kind) -> Options {
            switch kind {
            case .retinanet: Options(scoreThreshold: 0.05, nmsThreshold: 0.5, detectionsPerImage: 300, topkCandidates: 1000, weights: [1, 1, 1, 1])
            case .ssd: Options(scoreThreshold: 0.01, nmsThreshold: 0.45, detectionsPerImage: 200, topkCandidates: 400, weights: [10, 10, 5, 5])
            }
        }

        func validate() throws {
            func bad(_ message: String) -> DecodingError { DecodingError(source: "options", message: message) }
            guard scoreThreshold.isFinite, nmsThreshold.isFinite, (0...1).contains(nmsThreshold) else {
                throw bad("score threshold \(scoreThreshold) must be finite and NMS threshold \(nmsThreshold) in [0, 1]")
            }
            guard detectionsPerImage >= 0, topkCandidates >= 0 else { throw bad("detections per image and top-k candidates must not be negative") }
            guard (0..<4).allSatisfy({ weights[$0].isFinite && weights[$0] > 0 }) else { throw bad("box coder weights \(weights) must be positive") }
        }
    }

    /// Which post-processing.
    public var kind: Kind
    /// Thresholds, caps and weights.
    public var options: Options

    /// A decoder with `options` (default: torchvision's for `kind`).
    public init(kind: Kind, options: Options? = nil) {
        self.kind = kind
        self.options = options ?? .defaults(for: kind)
    }

    /// The network's input and the original image.
    public struct Geometry: Sendable, Equatable {
        /// The image as the model's transform resized it (the size boxes are clipped to).
        public var inputWidth: Int, inputHeight: Int
        /// The original image.
        public var imageWidth: Int, imageHeight: Int

        /// Sizes in pixels.
        public init(inputWidth: Int, inputHeight: Int, imageWidth: Int, imageHeight: Int) {
            self.inputWidth = inputWidth
            self.inputHeight = inputHeight
            self.imageWidth = imageWidth
            self.imageHeight = imageHeight
        }
    }

    /// The detections of one image from `classLogits` (`[1, N, C]`), `regressions` (`[1, N, 4]`) and `anchors`
    /// (`[N, 4]`, x1 y1 x2 y2 in input pixels); `anchorsPerLevel` splits the `N` anchors into RetinaNet's feature
    /// levels (nil: one level; SSD ignores it).
    public func decode(
        classLogits: RawTensor, regressions: RawTensor, anchors: RawTensor, anchorsPerLevel: [Int]? = nil, geometry g: Geometry,
        suppression: CandidateSuppression = .native, imageID: Int = 0
    ) throws -> Detections {
        try options.validate()
        guard g.inputWidth > 0, g.inputHeight > 0, g.imageWidth > 0, g.imageHeight > 0 else {
            throw DecodingError(source: "options", message: "input \(g.inputWidth)×\(g.inputHeight) and image \(g.imageWidth)×\(g.imageHeight) must be positive")
        }
        for t in [classLogits, regressions, anchors] { try t.checkFinite() }
        let l = try classLogits.squeezed(toRank: 2, expecting: "[1, anchors, classes]")
        let r = try regressions.squeezed(toRank: 2, expecting: "[1, anchors, 4]")
        let a = try anchors.squeezed(toRank: 2, expecting: "[anchors, 4]")
        let n = l[0], classCount = l[1]
        guard r == [n, 4] else { throw DecodingError(source: regressions.source, message: "shape \(regressions.shape) does not hold \(n) anchors of 4 values") }
        guard a == [n, 4] else { throw DecodingError(source: anchors.source, message: "shape \(anchors.shape) does not hold \(n) anchors of 4 values") }
        guard classCount >= (kind == .ssd ? 2 : 1) else {
            throw DecodingError(source: classLogits.source, message: "shape \(classLogits.shape) holds no class\(kind == .ssd ? " beside the background" : "")")
        }
        let coder = BoxCoder(weights: options.weights)
        let width = Float(g.inputWidth), height = Float(g.inputHeight)
        func box(_ i: Int) -> Box {
            let anchor = Box(x1: anchors.values[4 * i], y1: anchors.values[4 * i + 1], x2: anchors.values[4 * i + 2], y2: anchors.values[4 * i + 3])
            let d = coder.decode(
                SIMD4(regressions.values[4 * i], regressions.values[4 * i + 1], regressions.values[4 * i + 2], regressions.values[4 * i + 3]),
                anchor: anchor)
            func cx(_ v: Float) -> Float { Swift.min(Swift.max(v, 0), width) }
            func cy(_ v: Float) -> Float { Swift.min(Swift.max(v, 0), height) }
            return Box(x1: cx(d.x1), y1: cy(d.y1), x2: cx(d.x2), y2: cy(d.y2))
        }
        var boxes = BoxArray(), scores: [Float] = [], labels: [Int] = []
        /// The `topkCandidates` best of `(flat index, score)` pairs, best first, ties by index.
        func best(_ pairs: [(Int, Float)]) -> ArraySlice<(Int, Float)> {
            pairs.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(options.topkCandidates)
        }
        switch kind {
        case .retinanet:
            let levels = anchorsPerLevel ?? [n]
            guard levels.allSatisfy({ $0 >= 0 }), levels.reduce(0, +) == n else {
                throw DecodingError(source: anchors.source, message: "anchors per level \(levels) do not add up to the \(n) anchors")
            }
            var probabilities = classLogits.values
            sigmoid(&probabilities)
            var start = 0
            for count in levels {
                var pairs: [(Int, Float)] = []
                for flat in (start * classCount)..<((start + count) * classCount) where probabilities[flat] > options.scoreThreshold {
                    pairs.append((flat, probabilities[flat]))
                }
                for (flat, s) in best(pairs) {
                    boxes.append(box(flat / classCount))
                    scores.append(s)
                    labels.append(flat % classCount)
                }
                start += count
            }
        case .ssd:
            var probabilities = classLogits.values
            softmaxRows(&probabilities, columns: classCount)
            for label in 1..<classCount {
                var pairs: [(Int, Float)] = []
                for i in 0..<n where probabilities[i * classCount + label] > options.scoreThreshold {
                    pairs.append((i, probabilities[i * classCount + label]))
                }
                for (i, s) in best(pairs) {
                    boxes.append(box(i))
                    scores.append(s)
                    labels.append(label)
                }
            }
        }
        var candidates = try Detections(boxes: boxes, scores: scores, categories: labels, images: [Int](repeating: imageID, count: scores.count))
            .requiringFinite(source: regressions.source)
        switch suppression {
        case .native:
            let keep = try TorchvisionBatchedNMS.keep(boxes: boxes, scores: scores, classes: labels, iouThreshold: options.nmsThreshold)
                .prefix(options.detectionsPerImage)
            candidates = try Detections(
                boxes: boxes.gathering(keep), scores: keep.map { scores[$0] }, categories: keep.map { labels[$0] },
                images: [Int](repeating: imageID, count: keep.count))
        case .method:
            candidates = try suppression.thin(candidates)
        }
        // transform.postprocess: ratios original / resized in float32, then a product per coordinate.
        let rx = Float(g.imageWidth) / Float(g.inputWidth), ry = Float(g.imageHeight) / Float(g.inputHeight)
        candidates.boxes = BoxArray(candidates.boxes.map { Box(x1: $0.x1 * rx, y1: $0.y1 * ry, x2: $0.x2 * rx, y2: $0.y2 * ry) })
        return try candidates.requiringFinite(source: regressions.source)
    }
}

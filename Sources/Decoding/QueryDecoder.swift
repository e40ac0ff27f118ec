import Boxes
import NeuralCore

/// Decodes the query outputs of DETR-family models (`logits` and `pred_boxes`) into detections in the original
/// image, as `transformers`' image processors post-process them.
///
/// Boxes come as normalised `cx, cy, w, h`; each becomes `x1 = (cx − 0.5·w)·W`, `y1 = (cy − 0.5·h)·H`, … for a
/// target image of `W × H` (`center_to_corners_format`, then the scale, in float32).
/// - ``Kind/detr`` (`DetrImageProcessor.post_process_object_detection`): `softmax` over the `C + 1` logits of
///   each query, the last being "no object"; score and label = the best of the first `C`; queries with
///   `score > threshold` are kept, in query order.
/// - ``Kind/rtdetr`` (`RTDetrImageProcessor.post_process_object_detection`, focal loss): `sigmoid` of every
///   logit; the `Q` best (query, class) pairs over all `Q · C` (ties: lower flat index first); those with
///   `score > threshold`, best first. One query can yield several classes.
/// The default threshold is the processors' 0.5. Neither library suppresses; a DetectKit method given as
/// ``CandidateSuppression/method(_:_:)`` runs on the kept detections.
public struct QueryDecoder: Sendable {
    /// Which post-processing.
    public enum Kind: String, Sendable, CaseIterable {
        /// DETR, Conditional/Deformable DETR with softmax classification (`DetrImageProcessor`).
        case detr
        /// RT-DETR and other focal-loss heads (`RTDetrImageProcessor`).
        case rtdetr
    }

    /// Which post-processing.
    public var kind: Kind
    /// Queries (or pairs) need a score strictly above this.
    public var threshold: Float

    /// A decoder; `threshold` defaults to the image processors' 0.5.
    public init(kind: Kind, threshold: Float = 0.5) {
        self.kind = kind
        self.threshold = threshold
    }

    /// The detections of one `imageWidth × imageHeight` image from `logits` (`[1, Q, C + 1]` for DETR,
    /// `[1, Q, C]` for RT-DETR) and `boxes` (`pred_boxes`, `[1, Q, 4]`); categories are class indices.
    public func decode(
        logits: RawTensor, boxes: RawTensor, imageWidth: Int, imageHeight: Int, suppression: CandidateSuppression = .native, imageID: Int = 0
    ) throws -> Detections {
        guard threshold.isFinite else { throw DecodingError(source: "options", message: "threshold \(threshold) is not finite") }
        guard imageWidth > 0, imageHeight > 0 else {
            throw DecodingError(source: "options", message: "image size \(imageWidth)×\(imageHeight) is not positive")
        }
        try logits.checkFinite()
        try boxes.checkFinite()
        let l = try logits.squeezed(toRank: 2, expecting: "[1, queries, classes]")
        let b = try boxes.squeezed(toRank: 2, expecting: "[1, queries, 4]")
        let queries = l[0], width = l[1]
        guard b == [queries, 4] else {
            throw DecodingError(source: boxes.source, message: "shape \(boxes.shape) does not fit \(queries) queries of 4 values (logits \(logits.shape))")
        }
        let classCount = kind == .detr ? width - 1 : width
        guard classCount >= 1 else { throw DecodingError(source: logits.source, message: "shape \(logits.shape) holds no class") }
        let w = Float(imageWidth), h = Float(imageHeight)
        func corners(_ q: Int) -> Box {
            let cx = boxes.values[4 * q], cy = boxes.values[4 * q + 1], bw = boxes.values[4 * q + 2], bh = boxes.values[4 * q + 3]
            return Box(x1: (cx - 0.5 * bw) * w, y1: (cy - 0.5 * bh) * h, x2: (cx + 0.5 * bw) * w, y2: (cy + 0.5 * bh) * h)
        }
        var out = BoxArray(), scores: [Float] = [], labels: [Int] = []
        switch kind {
        case .detr:
            var probabilities = logits.values
            softmaxRows(&probabilities, columns: width)
            probabilities.withUnsafeBufferPointer { p in
                for q in 0..<queries {
                    let row = UnsafeBufferPointer(rebasing: p[(q * width)..<(q * width + classCount)])
                    var best: Float = -.infinity, label = 0
                    for (c, value) in row.enumerated() where value > best {
                        best = value
                        label = c
                    }
                    guard best > threshold else { continue }
                    out.append(corners(q))
                    scores.append(best)
                    labels.append(label)
                }
            }
        case .rtdetr:
            // The Q best of all (query, class) pairs, then those above the threshold: the same as the pairs above
            // the threshold, best first, cut to Q.
            var probabilities = logits.values
            sigmoid(&probabilities)
            let above = probabilities.indices.filter { probabilities[$0] > threshold }
            let order = above.sorted { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
            for flat in order.prefix(queries) {
                out.append(corners(flat / classCount))
                scores.append(probabilities[flat])
                labels.append(flat % classCount)
            }
        }
        let detections = try Detections(boxes: out, scores: scores, categories: labels, images: [Int](repeating: imageID, count: scores.count))
        return try suppression.thin(detections.requiringFinite(source: boxes.source))
    }
}

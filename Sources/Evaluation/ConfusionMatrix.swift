import Boxes
import COCO

/// A detection confusion matrix with Ultralytics' semantics (`ultralytics.utils.metrics.ConfusionMatrix`, task
/// "detect", ultralytics 8.4): `counts[predicted][true]`, `(C + 1) × (C + 1)`, the last row and column background.
///
/// Per image: detections scoring above `confidence` (`score > confidence` in `Float`; the others are not counted
/// at all) are taken by descending score (equal scores in input order); each takes the ground-truth box, of any
/// class, not yet taken that it overlaps most (the first of equal IoUs), if that IoU is above `iouThreshold`.
/// IoU is Ultralytics' `box_iou` in `Float`: `inter / ((area_t + area_d − inter) + 1e−7)`. A matched pair counts
/// once, at `[detected class][true class]` (a class confusion off the diagonal); an unmatched detection at
/// `[class][background]`; an unmatched ground-truth box at `[background][class]`. The background corner stays 0.
///
/// Ultralytics' validator calls it per image with `conf` 0.001 and the default IoU 0.45; its `predict` defaults
/// are 0.25 and 0.45, which are DetectKit's. Tested against Ultralytics' own matrices
/// (`Tests/EvaluationTests/Fixtures/confusion-matrix.json`).
public struct ConfusionMatrix: Sendable, Equatable {
    /// Ultralytics' `predict` defaults: keep detections scoring above 0.25, match above IoU 0.45.
    public static let defaultConfidence: Float = 0.25, defaultIoUThreshold: Float = 0.45

    /// Number of classes `C`; class `C` is background.
    public let classCount: Int
    /// Detections scoring at or below this are left out.
    public let confidence: Float
    /// A detection matches a box it overlaps by more than this.
    public let iouThreshold: Float
    /// `counts[predicted][true]`, `C + 1` rows of `C + 1`.
    public private(set) var counts: [[Int]]

    /// An empty matrix; throws ``EvaluationError`` for thresholds outside [0, 1] or a negative class count.
    public init(classCount: Int, confidence: Float = defaultConfidence, iouThreshold: Float = defaultIoUThreshold) throws {
        guard classCount >= 0 else { throw EvaluationError(source: "confusion matrix", message: "class count \(classCount) is negative") }
        for (name, value) in [("confidence", confidence), ("IoU threshold", iouThreshold)] where !(value >= 0 && value <= 1) {
            throw EvaluationError(source: "confusion matrix", message: "\(name) \(value) must be in [0, 1]")
        }
        self.classCount = classCount
        self.confidence = confidence
        self.iouThreshold = iouThreshold
        counts = Array(repeating: Array(repeating: 0, count: classCount + 1), count: classCount + 1)
    }

    /// Adds one image: its ground-truth boxes and classes (`0..<C`), and its detections with scores and classes.
    /// Throws ``EvaluationError`` naming `image` for a class out of range, a box that is not finite or whose
    /// corners are inverted, a score that is NaN, or arrays of different lengths.
    public mutating func add(
        truth: BoxArray, truthClasses: [Int], detections: BoxArray, scores: [Float], classes: [Int], image: String = "image"
    ) throws {
        guard truthClasses.count == truth.count, scores.count == detections.count, classes.count == detections.count else {
            throw EvaluationError(source: "confusion matrix", record: image, message: "boxes, scores and classes differ in length")
        }
        for (what, boxes, labels) in [("ground truth", truth, truthClasses), ("detection", detections, classes)] {
            for i in 0..<boxes.count {
                let b = boxes[i]
                guard b.isFinite, b.x2 >= b.x1, b.y2 >= b.y1, labels[i] >= 0, labels[i] < classCount else {
                    throw EvaluationError(
                        source: "confusion matrix", record: image,
                        message: "\(what) \(i): box not finite or inverted, or class \(labels[i]) outside 0..<\(classCount)")
                }
            }
        }
        if let bad = scores.firstIndex(where: \.isNaN) {
            throw EvaluationError(source: "confusion matrix", record: image, message: "detection \(bad): score is NaN")
        }
        let kept = (0..<detections.count).filter { scores[$0] > confidence }
        let order = kept.indices.sorted { scores[kept[$0]] != scores[kept[$1]] ? scores[kept[$0]] > scores[kept[$1]] : $0 < $1 }
        var owner = [Int](repeating: -1, count: truth.count)  // the kept detection (position in `kept`) each box went to
        var detectionMatched = [Bool](repeating: false, count: kept.count)
        if !truth.isEmpty {
            for d in order {
                let box = detections[kept[d]]
                var best = -1, bestIoU: Float = 0
                for g in 0..<truth.count {
                    let value = owner[g] >= 0 ? 0 : Self.iou(truth[g], box)
                    if best < 0 || value > bestIoU { (best, bestIoU) = (g, value) }
                }
                if bestIoU > iouThreshold {
                    owner[best] = d
                    detectionMatched[d] = true
                }
            }
        }
        let background = classCount
        for g in 0..<truth.count {
            if owner[g] >= 0 {
                counts[classes[kept[owner[g]]]][truthClasses[g]] += 1
            } else {
                counts[background][truthClasses[g]] += 1
            }
        }
        for d in kept.indices where !detectionMatched[d] { counts[classes[kept[d]]][background] += 1 }
    }

    /// Ultralytics' `box_iou` of two `xyxy` boxes in `Float`, operation for operation.
    static func iou(_ a: Box, _ b: Box) -> Float {
        let w = max(min(a.x2, b.x2) - max(a.x1, b.x1), 0), h = max(min(a.y2, b.y2) - max(a.y1, b.y1), 0)
        let inter = w * h
        let areaA = (a.x2 - a.x1) * (a.y2 - a.y1), areaB = (b.x2 - b.x1) * (b.y2 - b.y1)
        return inter / (((areaA + areaB) - inter) + 1e-7)
    }
}

extension ConfusionMatrix {
    /// The matrix of COCO detections against their ground truth, image by image: class `i` is the ground truth's
    /// `i`-th category by id (``classIDs(of:)``), boxes `[x, y, w, h]` become `Float` corners, crowd boxes are left
    /// out (Ultralytics has none). Axis-aligned boxes only: oriented detections throw ``EvaluationError``.
    public init(
        groundTruth: COCOGroundTruth, detections: EvaluatedDetections, confidence: Float = defaultConfidence,
        iouThreshold: Float = defaultIoUThreshold
    ) throws {
        guard detections.rotated == nil else {
            throw EvaluationError(
                source: "confusion matrix",
                message: "matches axis-aligned boxes (Ultralytics' detection semantics), and the detections are oriented: evaluate their bbox (--axis-aligned)")
        }
        let ids = Self.classIDs(of: groundTruth)
        try self.init(classCount: ids.count, confidence: confidence, iouThreshold: iouThreshold)
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        func corners(_ b: SIMD4<Double>) -> Box { Box(x1: Float(b.x), y1: Float(b.y), x2: Float(b.x + b.z), y2: Float(b.y + b.w)) }
        let truthOf = ImageGrouping.annotations(of: groundTruth)
        let detectionsOf = ImageGrouping.detections(detections, of: groundTruth)
        for image in groundTruth.images.indices {
            let t = truthOf[image].filter { !groundTruth.annotations[$0].isCrowd }, d = detectionsOf[image]
            try add(
                truth: BoxArray(t.map { corners(groundTruth.annotations[$0].bbox) }),
                truthClasses: t.map { index[groundTruth.annotations[$0].category] ?? -1 },
                detections: BoxArray(d.map { corners(detections.boxes[$0]) }), scores: d.map { Float(detections.scores[$0]) },
                classes: d.map { index[detections.categories[$0]] ?? -1 }, image: "image \(groundTruth.images[image].id)")
        }
    }

    /// The category ids of a ground truth, sorted: class `i` of its matrix is the `i`-th.
    public static func classIDs(of groundTruth: COCOGroundTruth) -> [Int] { groundTruth.categories.map(\.id).sorted() }
}

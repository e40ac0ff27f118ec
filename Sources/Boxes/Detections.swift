/// Detections as parallel arrays: what a detector or a decoder produces, what suppression takes and gives, and
/// what evaluation scores.
public struct Detections: Sendable {
    /// Boxes in xyxy form.
    public var boxes: BoxArray
    /// Confidence scores.
    public var scores: [Float]
    /// Category of each box (all 0 by default).
    public var categories: [Int]
    /// Image of each box, any integer key (all 0 by default: one image).
    public var images: [Int]
    /// Standard deviations of `(x1, y1, x2, y2)` per box, in pixels, for Softer-NMS.
    public var deviations: [SIMD4<Float>]?
    /// Model of each box, for ensembles fused by Weighted Boxes Fusion.
    public var models: [Int]?
    /// Oriented boxes, when the records are oriented (COCO records' `rbox`): then ``boxes`` holds their enclosing
    /// axis-aligned boxes, and suppression, drawing and evaluation use the oriented ones.
    public var rotated: [RotatedBox]?

    /// Detections from parallel arrays; every array given must have one value per box.
    public init(
        boxes: BoxArray, scores: [Float], categories: [Int]? = nil, images: [Int]? = nil,
        deviations: [SIMD4<Float>]? = nil, models: [Int]? = nil, rotated: [RotatedBox]? = nil
    ) throws {
        let n = boxes.count
        func check(_ field: String, _ count: Int?) throws {
            if let count, count != n {
                throw DetectionsError.lengthMismatch(field: field, expected: n, actual: count)
            }
        }
        try check("scores", scores.count)
        try check("categories", categories?.count)
        try check("images", images?.count)
        try check("deviations", deviations?.count)
        try check("models", models?.count)
        try check("rotated", rotated?.count)
        self.boxes = boxes
        self.scores = scores
        self.categories = categories ?? [Int](repeating: 0, count: n)
        self.images = images ?? [Int](repeating: 0, count: n)
        self.deviations = deviations
        self.models = models
        self.rotated = rotated
    }

    /// Oriented detections: ``boxes`` are the enclosing boxes of `rotated`.
    public init(
        rotated: [RotatedBox], scores: [Float], categories: [Int]? = nil, images: [Int]? = nil, models: [Int]? = nil
    ) throws {
        try self.init(
            boxes: BoxArray(rotated.map(\.enclosingBox)), scores: scores, categories: categories, images: images,
            models: models, rotated: rotated)
    }

    /// Number of detections.
    public var count: Int { scores.count }

    /// The detections at `positions` (each less than ``count``), in that order, every column kept.
    public func gathering(_ positions: [Int]) -> Detections {
        var d = self
        d.boxes = boxes.gathering(positions)
        d.scores = positions.map { scores[$0] }
        d.categories = positions.map { categories[$0] }
        d.images = positions.map { images[$0] }
        d.deviations = deviations.map { v in positions.map { v[$0] } }
        d.models = models.map { v in positions.map { v[$0] } }
        d.rotated = rotated.map { v in positions.map { v[$0] } }
        return d
    }
}

/// A detection that survived suppression.
public struct KeptDetection: Sendable, Equatable {
    /// The input record it came from (for a fused box: the highest-scoring member of its cluster).
    public var index: Int
    /// Final score.
    public var score: Float
    /// Final box (for an oriented survivor: the enclosing box of ``rotated``).
    public var box: Box
    /// Final oriented box, when the detections were oriented.
    public var rotated: RotatedBox?

    /// A survivor of record `index`.
    public init(index: Int, score: Float, box: Box, rotated: RotatedBox? = nil) {
        self.index = index
        self.score = score
        self.box = box
        self.rotated = rotated
    }
}

import Boxes
import COCO

/// The detections an evaluation scores, as pycocotools' `COCO.loadRes` holds them: per detection its image
/// (a position in `COCOGroundTruth/images`), category, `[x, y, w, h]` box and score in `Double`, and its id
/// `1…n` in input order (which decides ties, as in pycocotools). A detection's area is `w·h`.
///
/// Oriented detections (every record with an `rbox`) keep their oriented boxes in ``rotated``: they are matched
/// with the ground truth's `rbox` by exact rectangle IoU (a crowd region by the intersection over the detection's
/// area, as pycocotools does), and their area is the rbox's `w·h`.
public struct EvaluatedDetections: Sendable {
    /// Image of each detection: a position in the ground truth's `images`.
    public var images: [Int]
    /// `category_id` of each detection.
    public var categories: [Int]
    /// `[x, y, w, h]` of each detection.
    public var boxes: [SIMD4<Double>]
    /// Score of each detection.
    public var scores: [Double]
    /// Oriented box of each detection, when the detections are oriented.
    public var rotated: [RotatedBox]?

    /// Number of detections.
    public var count: Int { scores.count }

    /// Detections from parallel arrays; throws ``EvaluationError`` (naming `source` and the detection) when an
    /// image or category is not in `groundTruth` or the arrays disagree in length.
    public init(
        images: [Int], categories: [Int], boxes: [SIMD4<Double>], scores: [Double], rotated: [RotatedBox]? = nil,
        groundTruth: COCOGroundTruth, source: String
    ) throws {
        guard categories.count == images.count, boxes.count == images.count, scores.count == images.count,
            (rotated?.count ?? images.count) == images.count
        else {
            throw EvaluationError(source: source, message: "images, categories, boxes, scores and oriented boxes differ in length")
        }
        if let rotated {
            if let k = rotated.firstIndex(where: { !$0.isValid }) {
                throw EvaluationError(source: source, record: "detection \(k)", message: "rbox \(rotated[k]) is not finite, or has a negative side")
            }
            try Self.checkOrientedTruth(groundTruth)
        }
        let known = Set(groundTruth.categories.map(\.id))
        for i in images.indices {
            guard images[i] >= 0 && images[i] < groundTruth.images.count else {
                throw EvaluationError(source: source, record: "detection \(i)", message: "image \(images[i]) is not in the ground truth")
            }
            guard known.contains(categories[i]) else {
                throw EvaluationError(
                    source: source, record: "detection \(i)",
                    message: "category_id \(categories[i]) is not among the ground truth's categories (\(groundTruth.source))")
            }
            guard scores[i].isFinite, boxes[i].x.isFinite, boxes[i].y.isFinite, boxes[i].z.isFinite, boxes[i].w.isFinite,
                boxes[i].z >= 0, boxes[i].w >= 0
            else {
                throw EvaluationError(source: source, record: "detection \(i)", message: "box or score is not finite, or the box is negative")
            }
        }
        self.images = images
        self.categories = categories
        self.boxes = boxes
        self.scores = scores
        self.rotated = rotated
    }

    /// Oriented detections need oriented ground truth: throws ``EvaluationError`` naming the first annotation
    /// without an `rbox`.
    static func checkOrientedTruth(_ truth: COCOGroundTruth) throws {
        if let k = truth.annotations.firstIndex(where: { $0.rbox == nil }) {
            throw EvaluationError(
                source: truth.source, record: "annotations[\(k)]",
                message: "has no \"rbox\", and the detections are oriented: give every annotation an rbox, or evaluate the detections' bbox (--axis-aligned)")
        }
    }

    /// Reads a results file (standard input for `-`) straight into the columns an evaluation uses, with the values
    /// as written, as ``init(results:groundTruth:axisAligned:)`` of `COCOResults(contentsOf:)` would give without keeping the
    /// file; on `threads` threads for a large file. Throws `COCOResultsError` for a malformed file or record, and
    /// ``EvaluationError`` naming the first record whose `image_id` or `category_id` the ground truth lacks.
    /// Records that all carry an `rbox` are oriented unless `axisAligned`; some with and some without throw
    /// ``EvaluationError`` naming the first that differs, unless `axisAligned`.
    public init(contentsOf path: String, groundTruth: COCOGroundTruth, threads: Int = 1, axisAligned: Bool = false) throws {
        self = try Unresolved(contentsOf: path, threads: threads).resolved(against: groundTruth, axisAligned: axisAligned)
    }

    /// Reads a ground-truth file and a results file, on `threads` threads (the results are tied to the images once
    /// both are read): `(COCOGroundTruth(contentsOf:), init(contentsOf:groundTruth:threads:))`.
    public static func read(
        groundTruth groundTruthPath: String, detections path: String, threads: Int = 1, axisAligned: Bool = false
    ) throws -> (groundTruth: COCOGroundTruth, detections: EvaluatedDetections) {
        guard threads > 1 else {
            let truth = try COCOGroundTruth(contentsOf: groundTruthPath)
            return (truth, try EvaluatedDetections(contentsOf: path, groundTruth: truth, axisAligned: axisAligned))
        }
        nonisolated(unsafe) var truth: Result<COCOGroundTruth, any Error>?, unresolved: Result<Unresolved, any Error>?
        ConcurrentWork.run([
            { unresolved = Result { try Unresolved(contentsOf: path, threads: threads) } },
            { truth = Result { try COCOGroundTruth(contentsOf: groundTruthPath) } },
        ])
        guard let truth, let unresolved else { throw EvaluationError(source: path, message: "not read") }
        let groundTruth = try truth.get()
        return (groundTruth, try unresolved.get().resolved(against: groundTruth, axisAligned: axisAligned))
    }

    /// A results file's columns with each record's image as a key into its own list of `image_id`s, before the
    /// ground truth is known.
    private struct Unresolved: Sendable {
        var path: String
        var imageKeys = ImageKeys()
        var keys: [Int] = [], categories: [Int] = [], boxes: [SIMD4<Double>] = [], scores: [Double] = []
        var rotated: [RotatedBox?] = []

        init(path: String, capacity: Int) {
            self.path = path
            keys.reserveCapacity(capacity)
            categories.reserveCapacity(capacity)
            boxes.reserveCapacity(capacity)
            scores.reserveCapacity(capacity)
        }

        init(contentsOf path: String, threads: Int) throws {
            let parts = try COCOResults.records(contentsOf: path, parts: threads, newPart: { Unresolved(path: path, capacity: $0) }) {
                $0.add($1)
            }
            self = parts[0]
            for part in parts.dropFirst() { append(part) }
        }

        mutating func add(_ r: COCOResults.Record) {
            keys.append(imageKeys.key(for: r.imageID))
            categories.append(r.category)
            boxes.append(r.bbox)
            scores.append(r.score)
            rotated.append(r.rbox)
        }

        /// The records of `other`, read after these.
        mutating func append(_ other: Unresolved) {
            let key = other.imageKeys.ids.map { imageKeys.key(for: $0) }
            keys += other.keys.map { key[$0] }
            categories += other.categories
            boxes += other.boxes
            scores += other.scores
            rotated += other.rotated
        }

        /// The detections, each image looked up in `groundTruth`; throws ``EvaluationError`` naming the first
        /// record (in file order) whose image or category it lacks.
        func resolved(against groundTruth: COCOGroundTruth, axisAligned: Bool) throws -> EvaluatedDetections {
            let imageOfKey = imageKeys.ids.map { groundTruth.imageIndex[$0] }
            let known = CategoryIndex(groundTruth.categories.map(\.id))
            let badImage = imageOfKey.contains(nil) ? keys.firstIndex { imageOfKey[$0] == nil } : nil
            let badCategory = categories.firstIndex { known[$0] == nil }
            if let index = [badImage, badCategory].compactMap({ $0 }).min() {
                let message = index == badImage
                    ? "image_id \(imageKeys.ids[keys[index]]) is not among the ground truth's images (\(groundTruth.source))"
                    : "category_id \(categories[index]) is not among the ground truth's categories (\(groundTruth.source))"
                throw EvaluationError(source: path, record: "record \(index)", message: message)
            }
            let image = imageOfKey.map { $0 ?? -1 }
            var oriented: [RotatedBox]?
            if !axisAligned, let first = rotated.first {
                if let k = rotated.firstIndex(where: { ($0 == nil) != (first == nil) }) {
                    throw EvaluationError(
                        source: path, record: "record \(k)",
                        message: (first == nil ? "has an \"rbox\", and the records before it have none" : "has no \"rbox\", and the records before it have one")
                            + ": give every record an rbox or none (or use --axis-aligned for their bbox)")
                }
                oriented = first == nil ? nil : rotated.compactMap { $0 }
            }
            if oriented != nil { try EvaluatedDetections.checkOrientedTruth(groundTruth) }
            return EvaluatedDetections(images: keys.map { image[$0] }, categories: categories, boxes: boxes, scores: scores, rotated: oriented)
        }
    }

    /// Columns already checked.
    private init(images: [Int], categories: [Int], boxes: [SIMD4<Double>], scores: [Double], rotated: [RotatedBox]?) {
        self.images = images
        self.categories = categories
        self.boxes = boxes
        self.scores = scores
        self.rotated = rotated
    }

    /// Every record of a results file, with the values as written (`bbox` and `score` read in `Double`), oriented
    /// when `results`' detections are, unless `axisAligned`. Throws ``EvaluationError`` naming the record whose
    /// `image_id` or `category_id` the ground truth lacks.
    public init(results: COCOResults, groundTruth: COCOGroundTruth, axisAligned: Bool = false) throws {
        try self.init(
            indices: Array(0..<results.count), results: results, groundTruth: groundTruth,
            box: { results.writtenBoxes[$0] }, score: { results.writtenScores[$0] },
            rotated: axisAligned ? nil : results.detections.rotated)
    }

    /// The survivors of a suppression run on `results`, with the values `detectkit suppress` would write for
    /// them: a record's own text when a method left its box and score alone, the printed `Float` otherwise.
    /// Evaluating these equals evaluating the written file. Oriented when the survivors are.
    public init(kept: [KeptDetection], of results: COCOResults, groundTruth: COCOGroundTruth) throws {
        let original = results.detections
        let oriented = kept.compactMap(\.rotated)
        try self.init(
            indices: kept.map(\.index), results: results, groundTruth: groundTruth,
            box: { k in
                let d = kept[k], b = d.box
                let unchanged = d.rotated.map { $0 == original.rotated?[d.index] } ?? (b == results.axisAlignedBoxes[d.index])
                guard !unchanged else { return results.writtenBoxes[d.index] }
                return SIMD4(Self.printed(b.x1), Self.printed(b.y1), Self.printed(b.x2 - b.x1), Self.printed(b.y2 - b.y1))
            },
            score: { k in
                let d = kept[k]
                return d.score == original.scores[d.index] ? results.writtenScores[d.index] : Self.printed(d.score)
            },
            rotated: oriented.isEmpty || oriented.count < kept.count ? nil : oriented)
    }

    /// Records `indices` of `results`, the `k`-th with `box(k)` and `score(k)`.
    private init(
        indices: [Int], results: COCOResults, groundTruth: COCOGroundTruth, box: (Int) -> SIMD4<Double>,
        score: (Int) -> Double, rotated: [RotatedBox]?
    ) throws {
        let imageOfKey = results.imageIDs.map { id -> Int? in groundTruth.imageIndex[id] }
        var images: [Int] = [], categories: [Int] = [], boxes: [SIMD4<Double>] = [], scores: [Double] = []
        let known = Set(groundTruth.categories.map(\.id))
        for (k, index) in indices.enumerated() {
            let key = results.detections.images[index], category = results.detections.categories[index]
            guard let image = imageOfKey[key] else {
                throw EvaluationError(
                    source: results.source, record: "record \(index)",
                    message: "image_id \(results.imageIDs[key]) is not among the ground truth's images (\(groundTruth.source))")
            }
            guard known.contains(category) else {
                throw EvaluationError(
                    source: results.source, record: "record \(index)",
                    message: "category_id \(category) is not among the ground truth's categories (\(groundTruth.source))")
            }
            images.append(image)
            categories.append(category)
            boxes.append(box(k))
            scores.append(score(k))
        }
        try self.init(
            images: images, categories: categories, boxes: boxes, scores: scores, rotated: rotated,
            groundTruth: groundTruth, source: results.source)
    }

    /// A `Float` as `detectkit suppress` prints it, read back as a `Double`.
    private static func printed(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }

}

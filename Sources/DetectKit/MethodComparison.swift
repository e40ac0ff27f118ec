import Evaluation
import Foundation
import Suppression

/// Runs suppression methods on the same raw detections and evaluates each against ground truth: which method
/// suits a detector (`detectkit compare`).
///
/// Every method sees the same raw records and the same `SuppressionOptions`; its survivors are evaluated as
/// `detectkit suppress` would write them (`EvaluatedDetections/init(kept:of:groundTruth:)`), so a row equals
/// `detectkit suppress | detectkit eval`. Methods run one after another, so their timings do not disturb each
/// other; each evaluation uses `threads` threads. On ``TiledResults`` each method runs on every tile's raw
/// detections alone and the tiling merges the survivors (`Tiling/keep(_:regions:suppressor:options:)`), as a
/// tiled `detectkit detect --method` would; the milliseconds then include the merge.
public struct MethodComparison: Sendable {
    /// One method's outcome.
    public struct Outcome: Sendable {
        /// The method and its parameters.
        public var method: SuppressionMethod
        /// The 12 COCO statistics of its survivors.
        public var statistics: COCOStatistics
        /// Survivors.
        public var kept: [KeptDetection]
        /// Wall time of the suppression alone, in milliseconds.
        public var milliseconds: Double
        /// Interpolated precision at the 101 recall points, IoU 0.5 and 0.75 (−1 where undefined).
        public var curve50: [Double], curve75: [Double]
        /// AP@[.50:.95] per category id.
        public var averagePrecisionByCategory: [Int: Double]
        /// AP per category id at each IoU threshold of ``iouThresholds`` (−1 where undefined).
        public var averagePrecisionByCategoryAndThreshold: [Int: [Double]]
        /// The IoU thresholds of ``averagePrecisionByCategoryAndThreshold`` (COCO's 0.50, 0.55, …, 0.95).
        public var iouThresholds: [Double]
        /// Why AP is lost: the TIDE error breakdown of its survivors (nil when there is nothing to score: no
        /// ground-truth box and no survivor).
        public var tide: TIDE?
        /// Precision, recall and F1 of its survivors against the confidence threshold (IoU 0.5).
        public var confidence: ConfidenceCurves
        /// Its confusion matrix with Ultralytics' defaults (confidence 0.25, IoU 0.45); nil for a box the matrix
        /// cannot take (a coordinate beyond `Float`'s range).
        public var confusion: ConfusionMatrix?
    }

    /// The outcomes, best AP first (ties keep the order the methods were given in).
    public let outcomes: [Outcome]

    /// Runs and evaluates every method in `methods`; `progress(done)` is called after each. Throws
    /// `EvaluationError` naming the record when a raw detection's image or category is not in the ground truth.
    /// Records that all carry an `rbox` are suppressed and evaluated as oriented boxes unless `axisAligned`
    /// (`COCOResults.detections(axisAligned:)`).
    public init(
        groundTruth: COCOGroundTruth, raw: COCOResults, methods: [SuppressionMethod], options: SuppressionOptions = .init(),
        axisAligned: Bool = false, threads: Int = 1, progress: (Int) -> Void = { _ in }
    ) throws {
        try self.init(
            groundTruth: groundTruth, raw: raw, detections: try raw.detections(axisAligned: axisAligned), tiles: nil, methods: methods,
            options: options, threads: threads, progress: progress)
    }

    /// Runs every method on each tile of tiled raw detections, merges, and evaluates; as
    /// ``init(groundTruth:raw:methods:options:axisAligned:threads:progress:)`` otherwise.
    public init(
        groundTruth: COCOGroundTruth, tiled: TiledResults, methods: [SuppressionMethod], options: SuppressionOptions = .init(),
        threads: Int = 1, progress: (Int) -> Void = { _ in }
    ) throws {
        try self.init(
            groundTruth: groundTruth, raw: tiled.raw, detections: tiled.raw.detections, tiles: (tiled.tiling, tiled.regions),
            methods: methods, options: options, threads: threads, progress: progress)
    }

    private init(
        groundTruth: COCOGroundTruth, raw: COCOResults, detections: Detections, tiles: (tiling: Tiling, regions: [Int])?,
        methods: [SuppressionMethod], options: SuppressionOptions, threads: Int, progress: (Int) -> Void
    ) throws {
        // Every record must fit the ground truth (oriented records, ground truth with an rbox each).
        _ = try EvaluatedDetections(results: raw, groundTruth: groundTruth, axisAligned: detections.rotated == nil)
        var outcomes: [Outcome] = []
        for (done, method) in methods.enumerated() {
            let suppressor = method.makeSuppressor()
            let start = ContinuousClock.now
            let kept: [KeptDetection]
            do {
                kept = try tiles.map { try $0.tiling.keep(detections, regions: $0.regions, suppressor: suppressor, options: options) }
                    ?? suppressor.apply(to: detections, options: options)
            } catch SuppressionError.invalidDetection(let index, let reason) {
                throw EvaluationError(source: raw.source, record: "record \(index)", message: reason)
            }
            let elapsed = ContinuousClock.now - start
            let evaluated = try EvaluatedDetections(kept: kept, of: raw, groundTruth: groundTruth)
            let evaluation = COCOEvaluation(groundTruth: groundTruth, detections: evaluated, threads: threads)
            outcomes.append(Outcome(
                method: method, statistics: evaluation.statistics, kept: kept,
                milliseconds: Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15,
                curve50: evaluation.precisionRecallCurve(iouThreshold: 0.5) ?? [],
                curve75: evaluation.precisionRecallCurve(iouThreshold: 0.75) ?? [],
                averagePrecisionByCategory: evaluation.averagePrecisionByCategory(),
                averagePrecisionByCategoryAndThreshold: evaluation.averagePrecisionByCategoryAndThreshold(),
                iouThresholds: evaluation.parameters.iouThresholds,
                // TIDE's default parameters cannot fail; it throws only when there is nothing to score.
                tide: try? TIDE(groundTruth: groundTruth, detections: evaluated),
                confidence: ConfidenceCurves(groundTruth: groundTruth, detections: evaluated),
                confusion: try? ConfusionMatrix(groundTruth: groundTruth, detections: evaluated)))
            progress(done + 1)
        }
        self.outcomes = outcomes.enumerated().sorted {
            $0.element.statistics.AP != $1.element.statistics.AP ? $0.element.statistics.AP > $1.element.statistics.AP : $0.offset < $1.offset
        }.map(\.element)
    }
}

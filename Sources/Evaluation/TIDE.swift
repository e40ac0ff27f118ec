import COCO

/// TIDE error analysis (Bolya, Foley, Hays and Hoffman, "TIDE: A General Toolbox for Identifying Object Detection
/// Errors", ECCV 2020), as the authors' `tidecv` 1.0.1 computes it for boxes: how many AP points each type of error
/// costs.
///
/// At the positive threshold `t_f` (0.5) and the background threshold `t_b` (0.1), with at most 100 detections per
/// image (all categories together, by score), detections are matched to ground truth greedily by score, each to
/// its best free box of its category with IoU ≥ `t_f` (pycocotools' box IoU; crowd boxes then take unmatched
/// detections of their category covering them by more than `t_f` out of the evaluation). Every other detection is
/// one error, tested in this order:
/// - **Bkg** when its image has no (non-crowd) ground truth;
/// - **Loc**: `t_b ≤` IoU with a box of its category `≤ t_f` (the best one, matched or not);
/// - **Cls**: IoU `≥ t_f` with a box of another category;
/// - **Dupe**: IoU `≥ t_f` with an already matched box of its category;
/// - **Bkg**: IoU `≤ t_b` with every box;
/// - **Both**: otherwise.
/// A ground-truth box that stays unmatched is **Miss**, unless a Cls or Loc error aims at it.
///
/// ΔAP of a type is `max(AP with that type fixed − AP, 0)`, where AP is tidecv's: per category, precision made
/// monotone from the right and read at the 101 recalls `k/100` (the first point reaching each), × 100, averaged
/// over every category that has ground truth or detections. Fixing Cls or Loc turns the highest-scoring such error
/// on each still unmatched box into a true positive (a Cls one into the box's category) and drops the rest;
/// fixing Dupe, Bkg or Both drops those detections; fixing Miss removes the box from the count. `FalsePos` scores
/// every true positive 1 and every false positive 0; `FalseNeg` removes every unmatched box from the counts (these
/// two are not clamped at 0). A fixed run lists its error points before its true positives, so with tied scores
/// "fixing" can move AP by itself, as in tidecv.
///
/// Tested against tidecv's own numbers to 1e-9 (`Tests/EvaluationTests/Fixtures/tide.json`). Where DetectKit
/// differs: detections on images or categories the ground truth lacks are refused with a named error (tidecv drops
/// the first silently and scores the second as a category of AP 0), and no `segmentation` is needed.
public struct TIDE: Sendable {
    /// The six error types, in tidecv's order.
    public enum ErrorType: String, Sendable, CaseIterable, Hashable {
        /// Classification: localised right, wrong category.
        case classification = "Cls"
        /// Localisation: right category, IoU between the background and positive thresholds.
        case localization = "Loc"
        /// Both wrong category and poorly localised.
        case both = "Both"
        /// Duplicate of a box already matched.
        case duplicate = "Dupe"
        /// Background: overlaps nothing.
        case background = "Bkg"
        /// A ground-truth box no detection found.
        case missed = "Miss"
    }

    /// Thresholds and the per-image cap.
    public struct Parameters: Sendable, Equatable {
        /// IoU at which a detection matches (tidecv's `pos_threshold`, 0.5).
        public var positiveThreshold: Double
        /// IoU at or below which a detection is background (`background_threshold`, 0.1).
        public var backgroundThreshold: Double
        /// Detections kept per image, all categories together, by score (100).
        public var maxDetections: Int

        /// tidecv's defaults unless given.
        public init(positiveThreshold: Double = 0.5, backgroundThreshold: Double = 0.1, maxDetections: Int = 100) {
            self.positiveThreshold = positiveThreshold
            self.backgroundThreshold = backgroundThreshold
            self.maxDetections = maxDetections
        }
    }

    /// The parameters of the analysis.
    public let parameters: Parameters
    /// AP at the positive threshold, in AP points (0–100), as tidecv computes it.
    public let averagePrecision: Double
    /// AP points each error type costs (≥ 0).
    public let deltaAP: [ErrorType: Double]
    /// AP points gained when every false positive is gone (tidecv's special error `FalsePos`).
    public let falsePositiveDeltaAP: Double
    /// AP points gained when every missed box is gone (`FalseNeg`).
    public let falseNegativeDeltaAP: Double
    /// How many errors of each type.
    public let counts: [ErrorType: Int]

    /// The analysis of `detections` against `groundTruth`. Throws ``EvaluationError`` for thresholds outside
    /// [0, 1] (or a background threshold above the positive one), a negative cap, and when there is nothing to
    /// score (no ground-truth box and no detection).
    public init(groundTruth: COCOGroundTruth, detections: EvaluatedDetections, parameters: Parameters = .init()) throws {
        let p = parameters
        guard p.positiveThreshold >= 0, p.positiveThreshold <= 1, p.backgroundThreshold >= 0,
            p.backgroundThreshold <= p.positiveThreshold
        else {
            throw EvaluationError(
                source: "TIDE",
                message: "thresholds must satisfy 0 ≤ background (\(p.backgroundThreshold)) ≤ positive (\(p.positiveThreshold)) ≤ 1")
        }
        guard p.maxDetections >= 0 else {
            throw EvaluationError(source: "TIDE", message: "max detections \(p.maxDetections) must not be negative")
        }
        let run = TIDERun(groundTruth: groundTruth, detections: detections, parameters: p)
        guard let base = run.points.meanAP() else {
            throw EvaluationError(source: groundTruth.source, message: "TIDE needs at least one ground-truth box or detection")
        }
        self.parameters = p
        averagePrecision = base
        var delta: [ErrorType: Double] = [:]
        for type in ErrorType.allCases { delta[type] = max(run.rebuilt(fixing: type) - base, 0) }
        deltaAP = delta
        falsePositiveDeltaAP = run.rebuilt(fixing: nil, falsePositivesGone: true) - base
        falseNegativeDeltaAP = run.rebuilt(fixing: nil, falseNegativesGone: true) - base
        counts = Dictionary(uniqueKeysWithValues: ErrorType.allCases.map { t in (t, run.errors.count { $0.type == t }) })
    }
}

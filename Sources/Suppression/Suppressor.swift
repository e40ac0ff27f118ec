import Boxes

/// A box-suppression method: given the candidate boxes of one group (one image and category, or one image when
/// class-agnostic), decides which survive, with what score and what box.
///
/// Every built-in method (``GreedyNMS``, ``SoftNMS``, ``SofterNMS``, ``WeightedNMS``, ``ClusterNMS``,
/// ``MatrixNMS``, ``WeightedBoxesFusion``, ``NonMaximumMerging``) conforms, and so can a method of your own;
/// anything that accepts a built-in accepts yours. Grouping, validation, the score threshold, caps and output order are handled by
/// ``Suppressor/apply(to:options:)``, so a conformance only deals with one group:
///
/// ```swift
/// struct KeepTopThree: Suppressor {
///     var name: String { "top3" }
///     func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
///         group.order.prefix(3).map { group.kept($0) }
///     }
/// }
/// ```
public protocol Suppressor: Sendable {
    /// A short name for reports, e.g. `nms` or `soft-gaussian`.
    var name: String { get }

    /// The score threshold used when ``SuppressionOptions/scoreThreshold`` is not given. Methods that lower
    /// scores use it to drop boxes whose decayed score falls below it.
    var defaultScoreThreshold: Float { get }

    /// The survivors of one group: positions into the group's arrays, each with its final score and box.
    /// Any order; ``Suppressor/apply(to:options:)`` sorts them by score.
    func suppress(_ group: SuppressionGroup) throws -> [GroupSelection]

    /// Whether the method handles oriented groups (``SuppressionGroup/rotated``), giving each survivor its oriented
    /// box. ``Suppressor/apply(to:options:)`` refuses oriented detections for a method that does not.
    var acceptsOrientedBoxes: Bool { get }
}

extension Suppressor {
    /// 0: no threshold.
    public var defaultScoreThreshold: Float { 0 }

    /// False: a method of your own sees oriented boxes only once it says it handles them.
    public var acceptsOrientedBoxes: Bool { false }
}

/// A suppressor with a plain scalar reference beside its fast path: every built-in method. The tests hold the two
/// equal (positions, score bits, box bits) for every method of ``SuppressionMethod/Kind``.
public protocol ReferencedSuppressor: Suppressor {
    /// The survivors of one group, computed the plain way (loop by loop, as the method's paper or reference code
    /// states it); equal to ``Suppressor/suppress(_:)``.
    func reference(_ group: SuppressionGroup) throws -> [GroupSelection]
}

/// The candidates of one suppression group, in input order.
public struct SuppressionGroup: Sendable {
    /// The boxes, in input order.
    public let boxes: BoxArray
    /// The scores, all at least ``scoreThreshold``.
    public let scores: [Float]
    /// Per box, the standard deviations of `(x1, y1, x2, y2)` in pixels, when the input had them.
    public let deviations: [SIMD4<Float>]?
    /// Per box, the model that produced it (all 0 when the input did not say).
    public let models: [Int]
    /// Positions sorted by score, descending; equal scores keep input order.
    public let order: [Int]
    /// Number of distinct models in the whole input (not only this group), for ensemble fusion.
    public let modelCount: Int
    /// How box extents are measured.
    public let convention: BoxConvention
    /// Boxes whose (decayed) score falls below this are dropped.
    public let scoreThreshold: Float
    /// The oriented boxes, in input order, when the group is oriented; ``boxes`` then holds their enclosing boxes.
    public let rotated: [RotatedBox]?

    /// A group from its parts; `order` is computed, and for an oriented group (`rotated` given) `boxes` are the
    /// enclosing boxes of `rotated` when not given.
    public init(
        boxes: BoxArray? = nil, scores: [Float], deviations: [SIMD4<Float>]? = nil, models: [Int]? = nil,
        modelCount: Int? = nil, convention: BoxConvention = .continuous, scoreThreshold: Float = 0,
        rotated: [RotatedBox]? = nil
    ) {
        self.boxes = boxes ?? BoxArray((rotated ?? []).map(\.enclosingBox))
        self.rotated = rotated
        self.scores = scores
        self.deviations = deviations
        let models = models ?? [Int](repeating: 0, count: scores.count)
        self.models = models
        self.modelCount = modelCount ?? Swift.max(Set(models).count, 1)
        self.order = ScoreOrder.descending(scores)
        self.convention = convention
        self.scoreThreshold = scoreThreshold
    }

    /// Number of candidates.
    public var count: Int { scores.count }

    /// The overlap of the boxes at two positions under the group's convention.
    @inline(__always) func overlap(_ kind: OverlapKind, _ a: Int, _ b: Int) -> Float {
        kind.value(boxes[a], boxes[b], convention: convention)
    }

    /// Candidate `p` kept as it is (its box, and its oriented box in an oriented group), with `score` (its own by
    /// default).
    public func kept(_ p: Int, score: Float? = nil) -> GroupSelection {
        GroupSelection(position: p, score: score ?? scores[p], box: boxes[p], rotated: rotated?[p])
    }
}

/// One survivor of a group: where it came from, and its final score and box.
public struct GroupSelection: Sendable, Equatable {
    /// Position in the group (for a fused box: its highest-scoring member).
    public var position: Int
    /// Final score (decayed or fused by some methods).
    public var score: Float
    /// Final box (fused by some methods); for an oriented survivor, the enclosing box of ``rotated``.
    public var box: Box
    /// Final oriented box, in an oriented group.
    public var rotated: RotatedBox?

    /// A survivor.
    public init(position: Int, score: Float, box: Box, rotated: RotatedBox? = nil) {
        self.position = position
        self.score = score
        self.box = box
        self.rotated = rotated
    }

    /// An oriented survivor; ``box`` is the enclosing box of `rotated`.
    init(position: Int, score: Float, rotated: RotatedBox) {
        self.init(position: position, score: score, box: rotated.enclosingBox, rotated: rotated)
    }
}

import Boxes

/// How ``Suppressor/apply(to:options:)`` groups, filters and caps detections around a method.
public struct SuppressionOptions: Sendable, Equatable {
    /// Suppress across categories within an image (default: per image and category).
    public var classAgnostic: Bool
    /// Drop records (and decayed boxes) with a score below this; `nil` uses the method's
    /// ``Suppressor/defaultScoreThreshold``.
    public var scoreThreshold: Float?
    /// Keep at most this many boxes per image (highest scores first).
    public var maxDetections: Int?
    /// Keep at most this many boxes per group (per category, or per image when class-agnostic).
    public var maxPerGroup: Int?
    /// How box extents are measured (the `+1` convention only to reproduce Caffe/Detectron-era numbers).
    public var convention: BoxConvention

    /// Options; every default leaves the method's own behaviour unchanged.
    public init(
        classAgnostic: Bool = false, scoreThreshold: Float? = nil, maxDetections: Int? = nil,
        maxPerGroup: Int? = nil, convention: BoxConvention = .continuous
    ) {
        self.classAgnostic = classAgnostic
        self.scoreThreshold = scoreThreshold
        self.maxDetections = maxDetections
        self.maxPerGroup = maxPerGroup
        self.convention = convention
    }

    func validate() throws {
        if let t = scoreThreshold, !t.isFinite {
            throw SuppressionError.invalidParameter(name: "score threshold", value: "\(t)", reason: "must be finite")
        }
        for (name, cap) in [("max detections", maxDetections), ("max per class", maxPerGroup)] {
            if let cap, cap < 0 {
                throw SuppressionError.invalidParameter(name: name, value: "\(cap)", reason: "must not be negative")
            }
        }
    }
}

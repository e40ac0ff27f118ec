/// The settings of a COCO bounding-box evaluation, pycocotools' `Params(iouType="bbox")` by default.
public struct EvaluationParameters: Sendable, Equatable {
    /// One area range: a label and inclusive bounds on the ground truth's `area` field.
    public struct AreaRange: Sendable, Equatable {
        /// `all`, `small`, `medium` or `large` for COCO's ranges.
        public var label: String
        /// Lower bound, inclusive.
        public var lower: Double
        /// Upper bound, inclusive.
        public var upper: Double

        /// A range.
        public init(label: String, lower: Double, upper: Double) {
            self.label = label
            self.lower = lower
            self.upper = upper
        }
    }

    /// IoU thresholds: `np.linspace(.5, .95, 10)`, whose float64 values are not all the decimal literals
    /// (the ninth is 0.8999999999999999).
    public var iouThresholds: [Double]
    /// Recall points of the interpolated precision: `np.linspace(0, 1, 101)`.
    public var recallThresholds: [Double]
    /// Detections kept per image and category, ascending: `[1, 10, 100]`.
    public var maxDetections: [Int]
    /// Area ranges: all `[0, 1e10]`, small `[0, 32²]`, medium `[32², 96²]`, large `[96², 1e10]`.
    public var areaRanges: [AreaRange]

    /// COCO's standard settings.
    public static let coco = EvaluationParameters(
        iouThresholds: linspace(0.5, 0.95, 10), recallThresholds: linspace(0, 1, 101), maxDetections: [1, 10, 100],
        areaRanges: [
            AreaRange(label: "all", lower: 0, upper: 1e10), AreaRange(label: "small", lower: 0, upper: 32 * 32),
            AreaRange(label: "medium", lower: 32 * 32, upper: 96 * 96), AreaRange(label: "large", lower: 96 * 96, upper: 1e10),
        ])

    /// Settings; `maxDetections` is sorted, as pycocotools does.
    public init(iouThresholds: [Double], recallThresholds: [Double], maxDetections: [Int], areaRanges: [AreaRange]) {
        self.iouThresholds = iouThresholds
        self.recallThresholds = recallThresholds
        self.maxDetections = maxDetections.sorted()
        self.areaRanges = areaRanges
    }

    /// NumPy's `linspace(start, stop, count)` in float64, value for value: `i · step + start` with
    /// `step = (stop − start) / (count − 1)`, and the last value set to `stop`.
    public static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var values = (0..<count).map { Double($0) * step + start }
        values[count - 1] = stop
        return values
    }
}

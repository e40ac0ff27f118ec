import ArgumentParser
import DetectKit

/// How detections are grouped, thresholded and capped before suppression: shared by `suppress`, `annotate` and
/// `compare`.
struct GroupingFlags: ParsableArguments {
    @Option(name: .long, help: "Drop records (and decayed boxes) scoring below this (0; 0.001 for soft, softer, matrix).")
    var scoreThreshold: Float?

    @Option(name: .long, help: "Keep at most K boxes per image.")
    var maxDetections: Int?

    @Option(name: .long, help: "Keep at most K boxes per class (per image when class-agnostic).")
    var maxPerClass: Int?

    @Flag(name: .long, help: "Suppress across classes within an image.")
    var classAgnostic = false

    @Flag(name: .long, help: "Measure boxes with the +1 pixel-inclusive convention (Caffe/Detectron compatibility).")
    var pixelInclusive = false

    /// The options given on the command line, as typed.
    var given: [String] {
        InapplicableOptions.given([
            "--score-threshold": scoreThreshold != nil, "--max-detections": maxDetections != nil, "--max-per-class": maxPerClass != nil,
            "--class-agnostic": classAgnostic, "--pixel-inclusive": pixelInclusive,
        ])
    }

    /// Refuses a NaN or infinite score threshold and negative caps, naming the option.
    func validate() throws {
        try OptionChecks.finite(scoreThreshold, "--score-threshold")
        try OptionChecks.notNegative(maxDetections, "--max-detections")
        try OptionChecks.notNegative(maxPerClass, "--max-per-class")
    }

    /// Grouping, threshold and caps.
    var options: SuppressionOptions {
        SuppressionOptions(
            classAgnostic: classAgnostic, scoreThreshold: scoreThreshold, maxDetections: maxDetections,
            maxPerGroup: maxPerClass, convention: pixelInclusive ? .pixelInclusive : .continuous)
    }
}

import ArgumentParser
import DetectKit

/// The suppression options shared by every command that suppresses (`suppress`, `annotate`, later `detect`).
struct SuppressionFlags: ParsableArguments {
    @Option(name: .long, help: "Method: \(SuppressionMethod.names.joined(separator: ", ")) (default nms).")
    var method: String?

    @Option(name: .long, help: "IoU threshold (nms 0.5, soft-linear 0.3, weighted and wbf 0.55, diou, ciou, cluster 0.5).")
    var iou: Float?

    @Option(name: .long, help: "Gaussian width for soft-gaussian, softer and matrix-gaussian (0.5).")
    var sigma: Float?

    @Option(name: .long, help: "DIoU penalty exponent (1).")
    var beta: Float?

    @Option(name: .long, help: "Softer-NMS vote width sigma_t (0.02).")
    var voteSigma: Float?

    @Option(name: .long, help: "Softer-NMS vote IoU threshold (0).")
    var voteIou: Float?

    @OptionGroup var grouping: GroupingFlags

    /// The method parameters given on the command line, with their options.
    private var given: [(parameter: SuppressionMethod.Parameter, value: Float?, option: String)] {
        [(.iou, iou, "--iou"), (.sigma, sigma, "--sigma"), (.beta, beta, "--beta"), (.voteSigma, voteSigma, "--vote-sigma"),
         (.voteIoU, voteIou, "--vote-iou")]
    }

    /// Refuses an unknown method name and parameter values out of their ranges (a NaN IoU threshold, a zero
    /// sigma), naming the option; whether a parameter applies to the method is checked when the method is made.
    func validate() throws {
        if let method, !SuppressionMethod.names.contains(method) {
            throw ValidationError("--method \(method): expected one of \(SuppressionMethod.names.joined(separator: ", "))")
        }
        for case (let parameter, let value?, let option) in given {
            do {
                try parameter.validate(value)
            } catch SuppressionError.invalidParameter(_, _, let reason) {
                throw ValidationError("\(option) \(value): \(reason)")
            }
        }
    }

    /// The method with the parameters given on the command line.
    func suppressionMethod() throws -> SuppressionMethod {
        var m = try SuppressionMethod(method ?? "nms")
        for case (let parameter, let value?, _) in given { try m.set(parameter, value) }
        return m
    }

    /// Grouping, threshold and caps.
    var options: SuppressionOptions { grouping.options }
}

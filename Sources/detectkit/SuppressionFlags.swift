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

    /// The method with the parameters given on the command line.
    func suppressionMethod() throws -> SuppressionMethod {
        var m = try SuppressionMethod(method ?? "nms")
        let given: [(SuppressionMethod.Parameter, Float?)] = [
            (.iou, iou), (.sigma, sigma), (.beta, beta), (.voteSigma, voteSigma), (.voteIoU, voteIou),
        ]
        for case (let p, let v?) in given { try m.set(p, v) }
        return m
    }

    /// Grouping, threshold and caps.
    var options: SuppressionOptions { grouping.options }

    /// The method's parameters given on the command line, as typed (`--iou`, …).
    var givenParameters: [String] {
        [("--iou", iou), ("--sigma", sigma), ("--beta", beta), ("--vote-sigma", voteSigma), ("--vote-iou", voteIou)]
            .compactMap { $0.1 == nil ? nil : $0.0 }
    }

    /// Every suppression option given on the command line, `--method` first.
    var given: [String] { (method == nil ? [] : ["--method"]) + givenParameters + grouping.given }
}

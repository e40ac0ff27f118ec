import ArgumentParser
import DetectKit

/// The suppression options shared by every command that suppresses (`suppress`, `annotate`, later `detect`).
struct SuppressionFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Method (default nms); with parameters as name:param=value,…", discussion: SuppressionMethod.methodHelp))
    var method: String?

    @Option(name: .long, help: "IoU threshold (default: \(Self.defaults(.iou))).")
    var iou: Float?

    @Option(name: .long, help: "Gaussian width (default: \(Self.defaults(.sigma))).")
    var sigma: Float?

    @Option(name: .long, help: "DIoU penalty exponent (default: \(Self.defaults(.beta))).")
    var beta: Float?

    @Option(name: .long, help: "Softer-NMS vote width sigma_t (default: \(Self.defaults(.voteSigma))).")
    var voteSigma: Float?

    @Option(name: .long, help: "Softer-NMS vote IoU threshold (default: \(Self.defaults(.voteIoU))).")
    var voteIou: Float?

    /// `nms 0.5, soft-linear 0.3, …`: each method that takes `parameter`, with its default (from the registry).
    static func defaults(_ parameter: SuppressionMethod.Parameter) -> String {
        SuppressionMethod.Kind.allCases.compactMap { kind in
            kind.parameters.first { $0.key == parameter }.map { "\(kind.rawValue) \(kind.formatted($0.value))" }
        }.joined(separator: ", ")
    }

    @OptionGroup var grouping: GroupingFlags

    /// The method with the parameters given on the command line.
    func suppressionMethod() throws -> SuppressionMethod {
        var m = try SuppressionMethod(parsing: method ?? "nms")
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

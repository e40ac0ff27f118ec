import ArgumentParser
import DetectKit

/// The suppression options shared by every command that suppresses (`suppress`, `annotate`, later `detect`).
struct SuppressionFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Method (default nms); with parameters as name:param=value,…", discussion: SuppressionMethod.methodHelp))
    var method: String?

    @Option(name: .long, help: "Overlap threshold (default: \(Self.defaults(.threshold))).")
    var threshold: Float?

    @Option(name: .long, help: "The older name of --threshold.")
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

    /// The method parameters, with their options (nil when not given).
    private var parameterOptions: [(parameter: SuppressionMethod.Parameter, value: Float?, option: String)] {
        [(.threshold, threshold, "--threshold"), (.threshold, iou, "--iou"), (.sigma, sigma, "--sigma"), (.beta, beta, "--beta"),
         (.voteSigma, voteSigma, "--vote-sigma"), (.voteIoU, voteIou, "--vote-iou")]
    }

    /// Refuses an unknown method name, parameter values out of their ranges (a NaN threshold, a zero sigma) and
    /// both names of the threshold at once, naming the option; whether a parameter applies to the method is checked
    /// when the method is made.
    func validate() throws {
        if threshold != nil, iou != nil { throw ValidationError("--threshold and --iou name the same threshold: give one") }
        if let method {
            do {
                _ = try SuppressionMethod(parsing: method)
            } catch let error as SuppressionError {
                throw ValidationError("--method \(method): \(error)")
            }
        }
        for case (let parameter, let value?, let option) in parameterOptions {
            do {
                try parameter.validate(value)
            } catch SuppressionError.invalidParameter(_, _, let reason) {
                throw ValidationError("\(option) \(value): \(reason)")
            }
        }
    }

    /// The method with the parameters given on the command line.
    func suppressionMethod() throws -> SuppressionMethod {
        var m = try SuppressionMethod(parsing: method ?? "nms")
        for case (let parameter, let value?, _) in parameterOptions { try m.set(parameter, value) }
        return m
    }

    /// Grouping, threshold and caps.
    var options: SuppressionOptions { grouping.options }

    /// The overlap threshold given on the command line (`--threshold` or its older name `--iou`), with the option.
    var overlapThreshold: (value: Float, option: String)? {
        threshold.map { ($0, "--threshold") } ?? iou.map { ($0, "--iou") }
    }

    /// The method's parameters given on the command line, as typed (`--threshold`, …).
    var givenParameters: [String] { parameterOptions.compactMap { $0.value == nil ? nil : $0.option } }

    /// Every suppression option given on the command line, `--method` first.
    var given: [String] { (method == nil ? [] : ["--method"]) + givenParameters + grouping.given }
}

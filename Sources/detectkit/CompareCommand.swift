import ArgumentParser
import DetectKit
import Foundation

/// `detectkit compare`: every suppression method on the same raw detections, evaluated against ground truth.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run suppression methods on raw detections and rank them by COCO AP against ground truth.",
        discussion: """
            Each method runs with its default parameters (or those given in --methods, e.g. \
            soft-gaussian:sigma=0.3,nms:threshold=0.6) on the raw, not yet suppressed detections; its survivors are \
            evaluated as `detectkit eval` would evaluate the output of `detectkit suppress`. One row per method: \
            AP, AP50, AP75, AR100, boxes kept and the suppression's milliseconds, best AP first. --report DIR \
            writes DIR/index.html (SVG charts, AP per category) and, with --images, one PNG grid per image. With a \
            SAMPLES_DIR, --slice runs the detector on overlapping tiles of each image (and with --full-image on the \
            whole image too): each method then suppresses every tile's raw boxes alone and --merge merges the \
            survivors across tiles, as `detectkit detect --slice --method` does; the milliseconds include the merge.
            """
    )

    @Option(name: .long, help: "COCO instances JSON (images, annotations, categories); default SAMPLES_DIR/annotations.json.")
    var groundTruth: String?

    @Argument(help: "Raw (not yet suppressed) detections as COCO results JSON, or a SAMPLES_DIR whose images/ the detector runs on.")
    var raw: String

    @OptionGroup var detectorFlags: DetectorFlags

    @OptionGroup var tiling: TilingFlags

    @Option(name: .long, help: "Methods to compare, comma-separated, with optional parameters (default: all; on oriented records, all that take them).")
    var methods: String?

    @OptionGroup var grouping: GroupingFlags

    @OptionGroup var orientation: OrientationFlags

    @Flag(help: "Print the rows as a JSON array of {method, AP, AP50, AP75, AR100, kept, milliseconds, tide, per_class, curves, confusion_matrix}.")
    var json = false

    @Option(name: .long, help: "Write an HTML report (index.html, charts, image grids) into this directory.")
    var report: String?

    @Option(name: .long, help: "Folder of the ground truth's images (by file_name), for the report's grids.")
    var images: String?

    @Option(name: .long, help: "Grids for at most this many images (the first in the ground truth; default 50).")
    var gridImages: Int?

    @Option(name: .long, help: "Draw kept boxes scoring at least this in the grids (default 0.3).")
    var drawThreshold: Float?

    @Option(help: "Threads (default: all cores).")
    var threads = OptionChecks.defaultThreads

    func validate() throws {
        try OptionChecks.threads(threads)
        try OptionChecks.notNegative(gridImages, "--grid-images")
        try OptionChecks.finite(drawThreshold, "--draw-threshold")
        _ = try chosenMethods()
        let gridOptions = InapplicableOptions.given(["--images": images != nil, "--grid-images": gridImages != nil, "--draw-threshold": drawThreshold != nil])
        if report == nil {
            try InapplicableOptions.reject(gridOptions, "the grids are part of --report DIR")
        }
        if !samples { try InapplicableOptions.reject(detectorFlags.given + tiling.given, "the detector runs only on a SAMPLES_DIR") }
    }

    /// The methods of `--methods` (default: all), each with its parameters; a name, parameter or value that does
    /// not fit is a usage error naming the option.
    func chosenMethods() throws -> [SuppressionMethod] {
        guard let methods else { return try SuppressionMethod.names.map { try SuppressionMethod($0) } }
        let chosen: [SuppressionMethod]
        do {
            chosen = try SuppressionMethod.list(parsing: methods)
        } catch let error as SuppressionError {
            throw ValidationError("--methods \(methods): \(error)")
        }
        guard !chosen.isEmpty else { throw ValidationError("--methods names no method") }
        return chosen
    }

    /// Whether `raw` names a samples folder (images/ for the detector) rather than a results file.
    var samples: Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: raw, isDirectory: &isFolder) && isFolder.boolValue
    }

    func run() throws {
        var failures: [String] = []
        try CommandFailure.report {
            var chosen = try chosenMethods()
            let samples = self.samples
            let truthPath = groundTruth ?? (samples ? (raw as NSString).appendingPathComponent("annotations.json") : nil)
            guard let truthPath else { throw ValidationError("--ground-truth GT.json is needed with a results file") }
            let truth = try COCOGroundTruth(contentsOf: truthPath)
            let tiling = try self.tiling.tiling(options: grouping.options)
            let detector = samples
                ? Pipeline(
                    source: .detector(try detectorFlags.load(), scoreThreshold: detectorFlags.detectorThreshold), suppressor: nil,
                    tiling: tiling)
                : nil
            let folder = (raw as NSString).appendingPathComponent("images")
            let detecting = ProgressBar(total: truth.images.count, label: "detect")
            let tiled = try tiling == nil ? nil
                : detector?.tiledResults(for: truth, imagesIn: folder, threads: threads, progress: detecting.advance)
            let results = try tiled?.raw
                ?? detector?.results(for: truth, imagesIn: folder, threads: threads, progress: detecting.advance)
                ?? COCOResults(contentsOf: raw)
            // Oriented records: by default the methods that take oriented boxes.
            let oriented = try orientation.detections(results, pixelInclusive: grouping.pixelInclusive).rotated != nil
            if oriented, methods == nil { chosen = chosen.filter { $0.makeSuppressor().acceptsOrientedBoxes } }
            let progress = ProgressBar(total: chosen.count, label: "compare")
            let comparison = try tiled.map {
                try MethodComparison(groundTruth: truth, tiled: $0, methods: chosen, options: grouping.options, threads: threads) { _ in
                    progress.advance()
                }
            } ?? MethodComparison(
                groundTruth: truth, raw: results, methods: chosen, options: grouping.options, axisAligned: orientation.axisAligned,
                threads: threads
            ) { _ in
                progress.advance()
            }
            print(json ? comparison.jsonRows(categoryIDs: ConfusionMatrix.classIDs(of: truth)) : comparison.table)
            if let report {
                let builder = ComparisonReportBuilder(
                    imageFolder: images ?? (samples ? (raw as NSString).appendingPathComponent("images") : nil),
                    gridImages: gridImages ?? 50, drawThreshold: drawThreshold ?? 0.3)
                failures = try builder.write(
                    comparison, groundTruth: truth, results: results, to: report,
                    progress: ProgressBar(total: min(truth.images.count, gridImages ?? 50), label: "grids").advance)
            }
        }
        for line in failures { CommandFailure.standardError("detectkit: error: \(line)") }
        if !failures.isEmpty { throw ExitCode.failure }
    }
}

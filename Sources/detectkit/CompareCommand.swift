import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit compare`: every suppression method on the same raw detections, evaluated against ground truth.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run suppression methods on raw detections and rank them by COCO AP against ground truth.",
        discussion: """
            Each method runs with its default parameters (or those given in --methods, e.g. \
            soft-gaussian:sigma=0.3,nms:iou=0.6) on the raw, not yet suppressed detections; its survivors are \
            evaluated as `detectkit eval` would evaluate the output of `detectkit suppress`. One row per method: \
            AP, AP50, AP75, AR100, boxes kept and the suppression's milliseconds, best AP first. --report DIR \
            writes DIR/index.html (SVG charts, AP per category) and, with --images, one PNG grid per image.
            """
    )

    @Option(name: .long, help: "COCO instances JSON (images, annotations, categories); default SAMPLES_DIR/annotations.json.")
    var groundTruth: String?

    @Argument(help: "Raw (not yet suppressed) detections as COCO results JSON, or a SAMPLES_DIR whose images/ the detector runs on.")
    var raw: String

    @OptionGroup var detectorFlags: DetectorFlags

    @Option(name: .long, help: "Methods to compare, comma-separated, with optional parameters (default: all).")
    var methods: String?

    @OptionGroup var grouping: GroupingFlags

    @Flag(help: "Print the rows as a JSON array of {method, AP, AP50, AP75, AR100, kept, milliseconds}.")
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
        let gridOptions = [("--images", images != nil), ("--grid-images", gridImages != nil), ("--draw-threshold", drawThreshold != nil)]
        if report == nil {
            try InapplicableOptions.reject(gridOptions.compactMap { $0.1 ? $0.0 : nil }, "the grids are part of --report DIR")
        }
        if !samples { try InapplicableOptions.reject(detectorFlags.given, "the detector runs only on a SAMPLES_DIR") }
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
        var failures = 0
        try CommandFailure.report {
            let chosen = try chosenMethods()
            let samples = self.samples
            let truthPath = groundTruth ?? (samples ? (raw as NSString).appendingPathComponent("annotations.json") : nil)
            guard let truthPath else { throw ValidationError("--ground-truth GT.json is needed with a results file") }
            let truth = try COCOGroundTruth(contentsOf: truthPath)
            let results = samples ? try detectSamples(truth) : try COCOResults(contentsOf: raw)
            let progress = ProgressBar(total: chosen.count, label: "compare")
            let comparison = try MethodComparison(
                groundTruth: truth, raw: results, methods: chosen, options: grouping.options, threads: threads
            ) { _ in progress.advance() }
            print(json ? Self.json(comparison) : Self.table(comparison))
            if let report {
                let imageFolder = images ?? (samples ? (raw as NSString).appendingPathComponent("images") : nil)
                failures = try writeReport(comparison, truth: truth, results: results, imageFolder: imageFolder, to: report)
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    /// The rows as aligned text.
    static func table(_ c: MethodComparison) -> String {
        let width = max(8, c.outcomes.map { $0.method.description.count }.max() ?? 0) + 2
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func left(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        var lines = [pad("method", width) + ["AP", "AP50", "AP75", "AR100", "kept", "ms"].map { left($0, 9) }.joined()]
        for o in c.outcomes {
            let s = o.statistics
            lines.append(pad(o.method.description, width)
                + [s.AP, s.AP50, s.AP75, s.AR100].map { left(String(format: "%.4f", $0), 9) }.joined()
                + left(String(o.kept.count), 9) + left(String(format: "%.2f", o.milliseconds), 9))
        }
        return lines.joined(separator: "\n")
    }

    /// The rows as a JSON array.
    static func json(_ c: MethodComparison) -> String {
        let rows = c.outcomes.map { o in
            let s = o.statistics
            return JSONValue.object([
                ("method", .string(o.method.description)), ("AP", .double(s.AP)), ("AP50", .double(s.AP50)),
                ("AP75", .double(s.AP75)), ("AR100", .double(s.AR100)), ("kept", .int(o.kept.count)),
                ("milliseconds", .double(o.milliseconds)),
            ]).text
        }
        return "[" + rows.joined(separator: ",\n") + "]"
    }

    /// Writes the grids (when `--images` is given) and index.html; returns how many grids failed.
    /// Raw detections of the detector on the ground truth's images (SAMPLES_DIR/images/<file_name>), as results.
    private func detectSamples(_ truth: COCOGroundTruth) throws -> COCOResults {
        let detector = try detectorFlags.load(), threshold = detectorFlags.detectorThreshold
        let folder = (raw as NSString).appendingPathComponent("images")
        let progress = ProgressBar(total: truth.images.count, label: "detect")
        let slots = Slots<(id: COCOImageID, detections: Detections)>(count: truth.images.count), errors = ErrorLog()
        DispatchQueue.concurrentPerform(iterations: truth.images.count) { i in
            defer { progress.advance() }
            let record = truth.images[i]
            guard let name = record.fileName else { return errors.append("\(truthPath(truth)): images[\(i)] has no file_name") }
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                let found = try detector.detect(Image(contentsOfFile: path), scoreThreshold: threshold)
                slots.set(i, (record.id, found))
            } catch {
                errors.append("\(path): \(error)")
            }
        }
        if let first = errors.lines.first { throw ValidationError(first) }
        return try COCOResults(images: slots.all, source: "detector on \(folder)")
    }

    private func truthPath(_ truth: COCOGroundTruth) -> String { truth.source }

    private func writeReport(
        _ c: MethodComparison, truth: COCOGroundTruth, results: COCOResults, imageFolder images: String?, to folder: String
    ) throws -> Int {
        let gridFolder = (folder as NSString).appendingPathComponent("grids")
        try OutputFolder.create(gridFolder)
        let names = Dictionary(truth.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var grids: [ComparisonReport.Grid] = []
        let errors = ErrorLog()
        if let images {
            let shown = Array(truth.images.enumerated().filter { $0.element.fileName != nil }.prefix(max(0, gridImages ?? 50)))
            // Kept boxes per method, per ground-truth image.
            let imageOfKey = results.imageIDs.map { truth.imageIndex[$0] }
            let perMethod = c.outcomes.map { o in
                Dictionary(grouping: o.kept.filter { $0.score >= (drawThreshold ?? 0.3) }) { imageOfKey[results.detections.images[$0.index]] ?? -1 }
            }
            let truthByImage = Dictionary(grouping: truth.annotations, by: \.image)
            let slots = shown.map { entry -> ComparisonReport.Grid in
                let stem = ((entry.element.fileName! as NSString).lastPathComponent as NSString).deletingPathExtension
                return .init(title: entry.element.fileName!, path: "grids/\(entry.offset)-\(stem).png")
            }
            let written = ErrorLog()
            let progress = ProgressBar(total: shown.count, label: "grids")
            DispatchQueue.concurrentPerform(iterations: shown.count) { n in
                defer { progress.advance() }
                let (index, record) = shown[n]
                let file = record.fileName!
                let direct = (images as NSString).appendingPathComponent(file)
                let path = FileManager.default.fileExists(atPath: direct)
                    ? direct : (images as NSString).appendingPathComponent((file as NSString).lastPathComponent)
                do {
                    let image = try Image(contentsOfFile: path)
                    let gt = (truthByImage[index] ?? []).map {
                        Annotation(
                            box: Box(x1: Float($0.bbox.x), y1: Float($0.bbox.y), x2: Float($0.bbox.x + $0.bbox.z), y2: Float($0.bbox.y + $0.bbox.w)),
                            label: ($0.isCrowd ? "crowd " : "") + (names[$0.category] ?? String($0.category)), colorIndex: $0.category)
                    }
                    var panels = [ComparisonGrid.Panel(caption: "ground truth (\(gt.count))", annotations: gt)]
                    for (m, o) in c.outcomes.enumerated() {
                        let kept = perMethod[m][index] ?? []
                        panels.append(.init(
                            caption: "\(o.method.description) (\(kept.count))",
                            annotations: kept.map {
                                let category = results.detections.categories[$0.index]
                                return Annotation(
                                    box: $0.box, label: "\(names[category] ?? String(category)) \(String(format: "%.2f", $0.score))",
                                    colorIndex: category)
                            }))
                    }
                    let grid = try ComparisonGrid.render(image, panels: panels)
                    try AtomicFile.write(try grid.encoded(.png()), to: (folder as NSString).appendingPathComponent(slots[n].path))
                    written.append(String(n))
                } catch {
                    errors.append("\(file): \(error)")
                }
            }
            let done = Set(written.lines.compactMap(Int.init))
            grids = slots.indices.filter { done.contains($0) }.map { slots[$0] }
        }
        let page = ComparisonReport(
            subtitle: "ground truth \((truth.source as NSString).lastPathComponent) (\(truth.images.count) images, "
                + "\(truth.annotations.count) boxes), raw detections \((raw as NSString).lastPathComponent) (\(results.count) boxes)",
            comparison: c, categoryNames: names, grids: grids)
        try AtomicFile.write(Data(page.html.utf8), to: (folder as NSString).appendingPathComponent("index.html"))
        for line in errors.lines { CommandFailure.standardError("detectkit: error: \(line)") }
        return errors.lines.count
    }
}

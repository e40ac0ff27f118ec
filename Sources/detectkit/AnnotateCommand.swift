import ArgumentParser
import DetectKit
import Foundation

/// `detectkit annotate`: draws detections on images.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Draw detections (COCO results) on images.",
        discussion: """
            Only boxes scoring above --conf (default 0.25, Ultralytics' predict default) are drawn; the summary on \
            standard error counts those left out. The bundled detector knows 8 classes of synthetic coloured shapes \
            (circle, ellipse, square, triangle, star, ring, cross, hexagon), not the objects of real photographs: for \
            those, draw your own model's detections (--detections, or `detectkit decode` for a YOLO, DETR, RetinaNet \
            or SSD output) or pass your own trained detector (--detector). \
            Without --detections the detector (--detector, default the bundled one) finds the boxes, suppressed with \
            --method (default nms). With --detections, each image's detections are the records whose image_id names it: its file name with or without \
            the extension (a numeric id matches a numeric name, so 139 matches 000139.jpg), or, with --images, \
            the id of its file_name in a COCO instances file, whose categories also name the classes. With \
            --method the detections are suppressed first, with the same options as `detectkit suppress` (which \
            are errors without it); --detector and its threshold are errors with --detections. \
            With --labels every drawn box is named zero-shot by CLIP instead: its crop is compared with the \
            labels' prompt embeddings (averaged over templates) and the most probable label is shown with its \
            probability; --model chooses the CLIP model (any Hugging Face CLIP folder; default the bundled one). \
            With --slice the detector runs on overlapping tiles of each image (and with --full-image on the whole \
            image too); each tile's boxes are suppressed by --method, shifted into the image and merged by --merge. \
            Images, or the tiles of fewer images than threads, are processed in parallel; each output, \
            DIR/<name>.<format>, is written atomically. A bad image is reported and the others are still written; \
            the exit status is then 1.
            """
    )

    @Argument(help: "Image files (PNG or JPEG) or folders of them.")
    var inputs: [String]

    @Option(name: .long, help: "COCO results JSON with the detections to draw (default: run the detector).")
    var detections: String?

    @OptionGroup var orientation: OrientationFlags

    @OptionGroup var detectorFlags: DetectorFlags

    @Option(name: .shortAndLong, help: "Output folder (created when missing).")
    var output = "annotated"

    @Option(name: .long, help: "Output format: png or jpg.")
    var format: OutputFormat = .png

    @Option(name: .long, help: "COCO instances JSON: image ids by file_name, and category names.")
    var images: String?

    @Option(name: .long, help: "Refuse images whose header declares more pixels than this.")
    var maxPixels = 16384 * 16384

    @OptionGroup var suppression: SuppressionFlags

    @OptionGroup var tiling: TilingFlags

    @Option(name: .long, help: "Draw only boxes scoring above this (default 0.25).")
    var conf: Float?

    /// What `--conf` is when not given: Ultralytics' `predict` default.
    static let defaultConfidence: Float = 0.25

    @Option(help: "Threads (default: all cores).")
    var threads = OptionChecks.defaultThreads

    @Option(name: .long, help: "Comma-separated labels to name every box with, zero-shot (CLIP), e.g. \"red circle,blue star\".")
    var labels: String?

    @OptionGroup var clip: CLIPModelFlags

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case png, jpg
    }

    func validate() throws {
        try OptionChecks.threads(threads)
        try OptionChecks.unitInterval(conf, "--conf")
        if detections != nil {
            try InapplicableOptions.reject(detectorFlags.given + tiling.given, "with --detections no detector runs")
            if suppression.method == nil {
                try InapplicableOptions.reject(suppression.given, "with --detections, boxes are suppressed only with --method")
            }
        }
        if labels == nil { try InapplicableOptions.reject(clip.given, "the CLIP model names boxes only with --labels") }
        if detections == nil, orientation.axisAligned {
            try InapplicableOptions.reject(["--axis-aligned"], "it chooses the bbox of --detections records")
        }
        try OptionChecks.whole(maxPixels, "--max-pixels", in: 1...Image.largestPixelCount)
    }

    func run() throws {
        var failures: [String] = []
        try CommandFailure.report {
            let files = try ImageInputs.files(inputs)
            let catalog = try images.map { try COCOCatalog(contentsOf: $0) }
            let results = try detections.map { try COCOResults(contentsOf: $0) }
            let source = try results.map { Pipeline.Source.results($0, catalog: catalog) }
                ?? .detector(try detectorFlags.load(), scoreThreshold: detectorFlags.detectorThreshold)
            let suppressor = results == nil || suppression.method != nil ? try suppression.suppressionMethod().makeSuppressor() : nil
            var pipeline = Pipeline(
                source: source, suppressor: suppressor, options: suppression.options,
                namer: try labels.map { try clip.namer(labels: $0) }, categoryNames: catalog?.categoryNames,
                tiling: try tiling.tiling(options: suppression.options))
            pipeline.axisAlignedRecords = orientation.axisAligned
            // Oriented records: refused with --pixel-inclusive, and a file mixing records with and without an rbox
            // is named once, before any image.
            if let results { _ = try orientation.detections(results, pixelInclusive: suppression.grouping.pixelInclusive) }
            try OutputFolder.create(output)
            // DIR/<stem>.<format> for each input; an input whose output an earlier one already takes is reported,
            // not written over it.
            let targets = files.map {
                (output as NSString).appendingPathComponent(
                    "\((($0 as NSString).lastPathComponent as NSString).deletingPathExtension).\(format.rawValue)")
            }
            var firstWriter: [String: String] = [:]
            let runs = targets.indices.filter { i in
                if let first = firstWriter[targets[i]] {
                    failures.append("\(files[i]): not annotated: its output \(targets[i]) is that of \(first)")
                    return false
                }
                firstWriter[targets[i]] = files[i]
                return true
            }
            let encoding: EncodeOptions = format == .png ? .png() : .jpeg()
            let progress = ProgressBar(total: runs.count, label: "annotate")
            let confidence = conf ?? Self.defaultConfidence
            let outcomes = pipeline.run(files: runs.map { files[$0] }, decode: DecodeOptions(maxPixels: maxPixels), threads: threads, progress: progress.advance) {
                try $1.drawn(above: confidence).write(toFile: targets[runs[$0]], encoding)
                let drawn = $1.shown(above: confidence).count
                return (drawn: drawn, hidden: $1.kept.count - drawn)
            }
            var drawn = 0, hidden = 0, written = 0
            for (k, outcome) in outcomes.enumerated() {
                switch outcome {
                case .success(let counts):
                    (drawn, hidden, written) = (drawn + counts.drawn, hidden + counts.hidden, written + 1)
                case .failure(let error):
                    failures.append(CommandFailure.naming(files[runs[k]], error))
                }
            }
            CommandFailure.standardError(
                "annotate: \(written) image\(written == 1 ? "" : "s"), \(drawn) box\(drawn == 1 ? "" : "es") drawn, "
                    + "\(hidden) scoring \(confidence) or less not drawn (--conf)")
            for line in failures { CommandFailure.standardError("detectkit: error: \(line)") }
        }
        if !failures.isEmpty { throw ExitCode.failure }
    }
}

import ArgumentParser
import DetectKit
import Foundation

/// `detectkit detect`: the bundled (or a given) detector on images, detections out as COCO results JSON.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect objects in images; write COCO results JSON (with bbox_std).",
        discussion: """
            Runs the large-kernel detector on each image (letterboxed to its input size), then suppresses its raw \
            boxes with --method (default nms; --raw keeps them all, as `compare` needs them, and then takes no \
            suppression option). image_id is the file name read as a number when it is one (000139.jpg is 139), \
            else the file name; --images takes ids from a COCO instances file. With --labels every kept box is also \
            named zero-shot by CLIP ("label" and "label_probability" fields; --model only with --labels). With \
            --slice the detector runs on overlapping tiles of each image instead (and with --full-image on the \
            whole image too); each tile's boxes are suppressed by --method, shifted into the image and merged by \
            --merge (with --raw, every tile's raw boxes are written, unmerged). Images, or the tiles of fewer \
            images than threads, run in parallel; a bad image is reported and the others are still written; the \
            exit status is then 1 (when every image fails, -o leaves an existing file as it was).
            """
    )

    @Argument(help: "Image files (PNG or JPEG) or folders of them.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @OptionGroup var detectorFlags: DetectorFlags

    @OptionGroup var suppression: SuppressionFlags

    @OptionGroup var tiling: TilingFlags

    @Option(help: "Threads (default: all cores).")
    var threads = OptionChecks.defaultThreads

    @Flag(help: "Write the raw detections, unsuppressed.")
    var raw = false

    @Option(name: .long, help: "COCO instances JSON: image ids by file_name.")
    var images: String?

    @Option(name: .long, help: "Comma-separated labels to name every kept box with, zero-shot (CLIP).")
    var labels: String?

    @OptionGroup var clip: CLIPModelFlags

    func validate() throws {
        try OptionChecks.threads(threads)
        if raw {
            try InapplicableOptions.reject(suppression.given, "--raw writes the detections unsuppressed")
            try InapplicableOptions.reject(tiling.merge == nil ? [] : ["--merge"], "--raw writes the tiles' detections unmerged")
        }
        if labels == nil { try InapplicableOptions.reject(clip.given, "the CLIP model names boxes only with --labels") }
    }

    func run() throws {
        var failures: [String] = []
        try CommandFailure.report {
            let files = try ImageInputs.files(inputs)
            let catalog = try images.map { try COCOCatalog(contentsOf: $0) }
            let pipeline = Pipeline(
                source: .detector(try detectorFlags.load(), scoreThreshold: detectorFlags.detectorThreshold),
                suppressor: raw ? nil : try suppression.suppressionMethod().makeSuppressor(), options: suppression.options,
                namer: try labels.map { try clip.namer(labels: $0) }, tiling: try tiling.tiling(options: suppression.options))
            let progress = ProgressBar(total: files.count, label: "detect")
            let outcomes = pipeline.run(files: files, threads: threads, progress: progress.advance) { i, result in
                result.records(imageID: catalog?.imageIDs[(files[i] as NSString).lastPathComponent] ?? COCOImageID(imageFile: files[i]))
            }
            var records: [String] = []
            for (file, outcome) in zip(files, outcomes) {
                switch outcome {
                case .success(let r): records += r
                case .failure(let error): failures.append(CommandFailure.naming(file, error))
                }
            }
            let document = Pipeline.resultsDocument(records)
            // When every image failed there is nothing to write, and an existing output stays as it was.
            if let output, files.isEmpty || failures.count < files.count {
                try AtomicFile.write(document, to: output)
            } else if output == nil {
                FileHandle.standardOutput.write(document)
            }
            for line in failures { CommandFailure.standardError("detectkit: error: \(line)") }
        }
        if !failures.isEmpty { throw ExitCode.failure }
    }
}

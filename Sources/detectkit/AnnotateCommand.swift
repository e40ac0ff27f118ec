import ArgumentParser
import DetectKit
import Foundation

/// `detectkit annotate`: draws detections on images.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Draw detections (COCO results) on images.",
        discussion: """
            Without --detections the detector (--detector, default the bundled one) finds the boxes, suppressed with \
            --method (default nms). With --detections, each image's detections are the records whose image_id names it: its file name with or without \
            the extension (a numeric id matches a numeric name, so 139 matches 000139.jpg), or, with --images, \
            the id of its file_name in a COCO instances file, whose categories also name the classes. With \
            --method the detections are suppressed first, with the same options as `detectkit suppress` (which \
            are errors without it); --detector and its threshold are errors with --detections. \
            With --labels every drawn box is named zero-shot by CLIP instead: its crop is compared with the \
            labels' prompt embeddings (averaged over templates) and the most probable label is shown with its \
            probability; --model chooses the CLIP model (any Hugging Face CLIP folder; default the bundled one). \
            Images are processed in parallel; each output, DIR/<name>.<format>, is written atomically. A bad \
            image is reported and the others are still written; the exit status is then 1.
            """
    )

    @Argument(help: "Image files (PNG or JPEG) or folders of them.")
    var inputs: [String]

    @Option(name: .long, help: "COCO results JSON with the detections to draw (default: run the detector).")
    var detections: String?

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

    @Option(name: .long, help: "Comma-separated labels to name every box with, zero-shot (CLIP), e.g. \"red circle,blue star\".")
    var labels: String?

    @OptionGroup var clip: CLIPModelFlags

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case png, jpg
    }

    func validate() throws {
        if detections != nil {
            try InapplicableOptions.reject(detectorFlags.given, "with --detections no detector runs")
            if suppression.method == nil {
                try InapplicableOptions.reject(suppression.given, "with --detections, boxes are suppressed only with --method")
            }
        }
        if labels == nil { try InapplicableOptions.reject(clip.given, "the CLIP model names boxes only with --labels") }
        try OptionChecks.whole(maxPixels, "--max-pixels", in: 1...Image.largestPixelCount)
    }

    func run() throws {
        var failures = 0
        try CommandFailure.report {
            let files = try ImageInputs.files(inputs)
            let results = try detections.map { try COCOResults(contentsOf: $0) }
            let detector = results == nil ? try detectorFlags.load() : nil
            let catalog = try images.map { try COCOCatalog(contentsOf: $0) }
            let method = results == nil || suppression.method != nil ? try suppression.suppressionMethod() : nil
            var byImage: [COCOImageID: [KeptDetection]] = [:]
            if let results {
                var kept = results.detections.scores.indices.map {
                    KeptDetection(index: $0, score: results.detections.scores[$0], box: results.detections.boxes[$0])
                }
                if let method { kept = try method.makeSuppressor().apply(to: results.detections, options: suppression.options) }
                byImage = Dictionary(grouping: kept) { results.imageIDs[results.detections.images[$0.index]] }
            }
            let keptByImage = byImage
            let names = catalog?.categoryNames
                ?? detector.map { Dictionary(uniqueKeysWithValues: $0.configuration.categories.map { ($0.id, $0.name) }) } ?? [:]
            let namer = try labels.map { try ZeroShotNamer(labels: $0, model: clip) }
            let options = suppression.options, threshold = detectorFlags.detectorThreshold
            try OutputFolder.create(output)
            // DIR/<stem>.<format> for each input; an input whose output an earlier one already takes is reported,
            // not written over it.
            let targets = files.map {
                (output as NSString).appendingPathComponent(
                    "\((($0 as NSString).lastPathComponent as NSString).deletingPathExtension).\(format.rawValue)")
            }
            var firstWriter: [String: String] = [:], earlier: [Int: String] = [:]
            for (i, target) in targets.enumerated() {
                if let first = firstWriter[target] { earlier[i] = first } else { firstWriter[target] = files[i] }
            }
            let clashes = earlier
            let progress = ProgressBar(total: files.count, label: "annotate")
            let errors = ErrorLog()
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                defer { progress.advance() }
                let file = files[i]
                let name = (file as NSString).lastPathComponent
                if let first = clashes[i] {
                    errors.append("\(file): not annotated: its output \(targets[i]) is that of \(first)")
                    return
                }
                do {
                    let image = try Image(contentsOfFile: file, options: DecodeOptions(maxPixels: maxPixels))
                    var found: [(box: Box, score: Float, category: Int)] = []
                    if let results {
                        let id = catalog.map { $0.imageIDs[name] } ?? results.imageIDs.first { $0.names(fileName: name) }
                        found = (id.flatMap { keptByImage[$0] } ?? []).map { ($0.box, $0.score, results.detections.categories[$0.index]) }
                    } else if let detector, let method {
                        let raw = try detector.detect(image, scoreThreshold: threshold)
                        found = try method.makeSuppressor().apply(to: raw, options: options).map { ($0.box, $0.score, raw.categories[$0.index]) }
                    }
                    let annotations = found.map {
                        Annotation(box: $0.box, label: "\(names[$0.category] ?? String($0.category)) \(String(format: "%.2f", $0.score))", colorIndex: $0.category)
                    }
                    let labelled = try namer?.relabel(annotations, in: image) ?? annotations
                    try image.drawing(labelled).write(toFile: targets[i], format == .png ? .png() : .jpeg())
                } catch {
                    errors.append("\(error)")
                }
            }
            for line in errors.lines { CommandFailure.standardError("detectkit: error: \(line)") }
            failures = errors.lines.count
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

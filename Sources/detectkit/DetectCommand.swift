import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

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
            named zero-shot by CLIP ("label" and "label_probability" fields; --model only with --labels). Images \
            run in parallel; a bad image is reported and the others are still written; the exit status is then 1 \
            (when every image fails, -o leaves an existing file as it was).
            """
    )

    @Argument(help: "Image files (PNG or JPEG) or folders of them.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @OptionGroup var detectorFlags: DetectorFlags

    @OptionGroup var suppression: SuppressionFlags

    @Flag(help: "Write the raw detections, unsuppressed.")
    var raw = false

    @Option(name: .long, help: "COCO instances JSON: image ids by file_name.")
    var images: String?

    @Option(name: .long, help: "Comma-separated labels to name every kept box with, zero-shot (CLIP).")
    var labels: String?

    @OptionGroup var clip: CLIPModelFlags

    func validate() throws {
        if raw { try InapplicableOptions.reject(suppression.given, "--raw writes the detections unsuppressed") }
        if labels == nil { try InapplicableOptions.reject(clip.given, "the CLIP model names boxes only with --labels") }
    }

    func run() throws {
        var failures = 0
        try CommandFailure.report {
            let files = try ImageInputs.files(inputs)
            let detector = try detectorFlags.load()
            let catalog = try images.map { try COCOCatalog(contentsOf: $0) }
            let suppressor = raw ? nil : try suppression.suppressionMethod().makeSuppressor()
            let namer = try labels.map { try ZeroShotNamer(labels: $0, model: clip) }
            let options = suppression.options, threshold = detectorFlags.detectorThreshold
            let progress = ProgressBar(total: files.count, label: "detect")
            let errors = ErrorLog()
            let slots = Slots<[String]>(count: files.count)
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                defer { progress.advance() }
                let file = files[i]
                do {
                    let image = try Image(contentsOfFile: file)
                    let id = catalog?.imageIDs[(file as NSString).lastPathComponent] ?? ImageFileID.of(file)
                    var found = try detector.detect(image, scoreThreshold: threshold)
                    if let suppressor {
                        let kept = try suppressor.apply(to: found, options: options)
                        found = try Detections(
                            boxes: BoxArray(kept.map(\.box)), scores: kept.map(\.score),
                            categories: kept.map { found.categories[$0.index] },
                            deviations: found.deviations.map { d in kept.map { d[$0.index] } })
                    }
                    var records = COCOResults.recordFields(found, imageID: id)
                    if let namer {
                        let names = try namer.name(found, in: image)
                        for (k, n) in names.enumerated() {
                            guard let n else { continue }
                            records[k] += [("label", .string(n.label)), ("label_probability", .float(n.probability))]
                        }
                    }
                    slots.set(i, records.map { JSONValue.object($0).text })
                } catch {
                    errors.append("\(file): \(error)")
                }
            }
            let all = slots.all.flatMap { $0 }
            let text = "[" + all.joined(separator: ",\n") + (all.isEmpty ? "]\n" : "\n]\n")
            // When every image failed there is nothing to write, and an existing output stays as it was.
            if let output, files.isEmpty || errors.lines.count < files.count {
                try AtomicFile.write(Data(text.utf8), to: output)
            } else if output == nil {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            for line in errors.lines { CommandFailure.standardError("detectkit: error: \(line)") }
            failures = errors.lines.count
        }
        if failures > 0 { throw ExitCode.failure }
    }
}

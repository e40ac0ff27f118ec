import ArgumentParser
import DetectKit
import Foundation

/// `detectkit annotate`: draws detections on images.
struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Draw detections (COCO results) on images.",
        discussion: """
            Each image's detections are the records whose image_id names it: its file name with or without \
            the extension (a numeric id matches a numeric name, so 139 matches 000139.jpg), or, with --images, \
            the id of its file_name in a COCO instances file, whose categories also name the classes. With \
            --method the detections are suppressed first, with the same options as `detectkit suppress`. \
            Images are processed in parallel; each output, DIR/<name>.<format>, is written atomically. A bad \
            image is reported and the others are still written; the exit status is then 1.
            """
    )

    @Argument(help: "Image files (PNG or JPEG) or folders of them.")
    var inputs: [String]

    @Option(name: .long, help: "COCO results JSON with the detections to draw.")
    var detections: String

    @Option(name: .shortAndLong, help: "Output folder (created when missing).")
    var output = "annotated"

    @Option(name: .long, help: "Output format: png or jpg.")
    var format: OutputFormat = .png

    @Option(name: .long, help: "COCO instances JSON: image ids by file_name, and category names.")
    var images: String?

    @Option(name: .long, help: "Refuse images whose header declares more pixels than this.")
    var maxPixels = 16384 * 16384

    @OptionGroup var suppression: SuppressionFlags

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case png, jpg
    }

    func run() throws {
        var failures = 0
        try CommandFailure.report {
            let files = try ImageInputs.files(inputs)
            let results = try COCOResults(contentsOf: detections)
            let catalog = try images.map { try COCOCatalog(contentsOf: $0) }
            var kept = results.detections.scores.indices.map {
                KeptDetection(index: $0, score: results.detections.scores[$0], box: results.detections.boxes[$0])
            }
            if suppression.method != nil {
                kept = try suppression.suppressionMethod().makeSuppressor().apply(
                    to: results.detections, options: suppression.options)
            }
            let byImage = Dictionary(grouping: kept) { results.imageIDs[results.detections.images[$0.index]] }
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let progress = ProgressBar(total: files.count, label: "annotate")
            let errors = ErrorLog()
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                defer { progress.advance() }
                let file = files[i]
                let name = (file as NSString).lastPathComponent
                let id = catalog.map { $0.imageIDs[name] } ?? results.imageIDs.first { $0.names(fileName: name) }
                let found = id.flatMap { byImage[$0] } ?? []
                let annotations = found.map { k in
                    let category = results.detections.categories[k.index]
                    let label = catalog?.categoryNames[category] ?? String(category)
                    return Annotation(box: k.box, label: "\(label) \(String(format: "%.2f", k.score))", colorIndex: category)
                }
                do {
                    let image = try Image(contentsOfFile: file, options: DecodeOptions(maxPixels: maxPixels))
                    let stem = (name as NSString).deletingPathExtension
                    let target = (output as NSString).appendingPathComponent("\(stem).\(format.rawValue)")
                    try image.drawing(annotations).write(toFile: target, format == .png ? .png() : .jpeg())
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

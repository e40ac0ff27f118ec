import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit suppress`: COCO results in, the surviving records out.
struct SuppressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress",
        abstract: "Suppress overlapping boxes in COCO results JSON.",
        discussion: """
            Reads a JSON array of COCO results ({"image_id", "category_id", "bbox": [x, y, w, h], "score"}, \
            optionally "bbox_std" and "model") and writes the survivors in the same format: per image in order \
            of first appearance, by score descending. Fields DetectKit does not use are carried through \
            unchanged; "score", "bbox" and "rbox" are rewritten only where the method changed them.

            Records that all carry "rbox": [cx, cy, w, h, angle] (radians; "bbox" then optional) are suppressed \
            as oriented boxes, on exact rectangle IoU, or on ProbIoU with overlap=probiou in the method spec \
            (nms:overlap=probiou,threshold=0.5); --axis-aligned uses their "bbox" instead (a box a method changes \
            then replaces the record's "rbox" too, at angle 0).
            """
    )

    @OptionGroup var suppression: SuppressionFlags

    @OptionGroup var orientation: OrientationFlags

    @Flag(name: .long, help: "Print {\"method\":…,\"boxes\":N,\"seconds\":t} on stderr: the suppression alone.")
    var timing = false

    @Argument(help: "COCO results JSON, or - for standard input.")
    var input = "-"

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    func run() throws {
        try CommandFailure.report {
            let method = try suppression.suppressionMethod()
            let results = try COCOResults(contentsOf: input)
            let detections = try orientation.detections(results, pixelInclusive: suppression.grouping.pixelInclusive)
            let suppressor = method.makeSuppressor()
            let start = ContinuousClock.now
            let kept: [KeptDetection]
            do {
                kept = try suppressor.apply(to: detections, options: suppression.options)
            } catch SuppressionError.invalidDetection(let index, let reason) {
                throw COCOResultsError(source: input, record: index, message: reason)
            }
            let elapsed = ContinuousClock.now - start
            if timing {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                CommandFailure.standardError(
                    JSONValue.object([("method", .string(method.name)), ("boxes", .int(results.count)), ("seconds", .double(seconds))]).text)
            }
            let data = results.encode(kept)
            if let output {
                try AtomicFile.write(data, to: output)
            } else {
                FileHandle.standardOutput.write(data)
            }
        }
    }
}

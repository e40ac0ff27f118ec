import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit bench rotated-iou`: the overlap of one oriented box against many, read from a NumPy file.
struct RotatedIoUBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotated-iou",
        abstract: "One oriented box against many: the first row of an .npy of [N, 6] float32 rows (cx, cy, w, h, angle, score) against all N.",
        discussion: """
            Exact rectangle IoU (RotatedOverlap.ious) or ProbIoU (RotatedOverlap.probIoUs, --overlap \
            probiou), of row 0 with every row. Prints the median time and, with --json, the N values.
            """)

    @Argument(help: "NumPy .npy file of [N, 6] float32: cx, cy, w, h, angle (radians), score.")
    var file: String

    @Option(help: "iou (exact) or probiou.")
    var overlap: String = "iou"

    @OptionGroup var bench: BenchOptions

    func validate() throws {
        guard overlap == "iou" || overlap == "probiou" else { throw ValidationError("--overlap must be iou or probiou") }
    }

    func run() throws {
        try CommandFailure.report {
            let (boxes, _) = try RotatedNMSBench.read(file)
            guard let query = boxes.first else { throw ValidationError("\(file): no rows") }
            var values: [Double] = []
            let ms = bench.medianMilliseconds(default: 11) {
                values = overlap == "iou" ? RotatedOverlap.ious(query, boxes) : RotatedOverlap.probIoUs(query, boxes)
            }
            let name = "rotated-\(overlap)"
            bench.report(
                name, milliseconds: ms, fields: [("boxes", .int(boxes.count)), ("values", .array(values.map { .double($0) }))],
                text: "\(name) 1 against \(boxes.count): \(String(format: "%.3f", ms)) ms, \(String(format: "%.1f", ms * 1e6 / Double(boxes.count))) ns a pair")
        }
    }
}

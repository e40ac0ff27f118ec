import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit bench rotated-nms`: greedy or Fast NMS on oriented boxes read from a NumPy file.
struct RotatedNMSBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotated-nms",
        abstract: "NMS on oriented boxes: an .npy of [N, 6] float32 rows (cx, cy, w, h, angle in radians, score).",
        discussion: """
            Greedy NMS (a box is kept unless a kept, higher-scored box overlaps it above --threshold) or, with \
            --fast, Fast NMS (unless any higher-scored box does: Ultralytics' OBB post-processing), on exact rotated \
            IoU or ProbIoU (--overlap). Prints the median time of the suppression alone and, with --json, the kept \
            rows' indices by descending score.
            """)

    @Argument(help: "NumPy .npy file of [N, 6] float32: cx, cy, w, h, angle (radians), score.")
    var file: String

    @Option(help: "Overlap above which a box is suppressed (default 0.5).")
    var threshold: Float = 0.5

    @Option(help: "iou (exact), ios or probiou.")
    var overlap: String = "iou"

    @Flag(help: "Fast NMS instead of greedy NMS.")
    var fast = false

    @OptionGroup var bench: BenchOptions

    func validate() throws {
        guard OverlapMeasure(rawValue: overlap) != nil else { throw ValidationError("--overlap must be iou, ios or probiou") }
        guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number") }
    }

    func run() throws {
        try CommandFailure.report {
            let (boxes, scores) = try Self.read(file)
            let n = boxes.count
            let kind = OverlapMeasure(rawValue: overlap) ?? .iou
            var kept: [Int] = []
            let ms = bench.medianMilliseconds(default: 5) {
                kept = fast
                    ? RotatedNMS.fast(boxes, scores: scores, threshold: threshold, overlap: kind)
                    : RotatedNMS.greedy(boxes, scores: scores, threshold: threshold, overlap: kind)
            }
            let name = "\(fast ? "fast" : "greedy")-\(kind.rawValue)"
            bench.report(
                name, milliseconds: ms, fields: [("boxes", .int(n)), ("kept", .array(kept.map { .int($0) }))],
                text: "\(name) \(n) boxes: \(String(format: "%.3f", ms)) ms, \(kept.count) kept")
        }
    }

    /// The oriented boxes and scores of an .npy of [N, 6] float32 rows; a bad shape or row is named.
    static func read(_ file: String) throws -> (boxes: [RotatedBox], scores: [Float]) {
        let tensor = try NumPyArrayFile.read(contentsOf: file)
        guard tensor.shape.count == 2, tensor.shape[1] == 6 else {
            throw ValidationError("\(file): expected [N, 6] rows of cx, cy, w, h, angle, score; found \(tensor.shape)")
        }
        let v = tensor.scalars
        var boxes: [RotatedBox] = [], scores: [Float] = []
        for i in 0..<tensor.shape[0] {
            let row = Array(v[(i * 6)..<(i * 6 + 6)])
            guard row.allSatisfy(\.isFinite) else { throw ValidationError("\(file): row \(i) is not finite: \(row)") }
            guard row[2] >= 0, row[3] >= 0 else { throw ValidationError("\(file): row \(i) has a negative size: \(row)") }
            boxes.append(RotatedBox(cx: row[0], cy: row[1], width: row[2], height: row[3], angle: row[4]))
            scores.append(row[5])
        }
        return (boxes, scores)
    }
}

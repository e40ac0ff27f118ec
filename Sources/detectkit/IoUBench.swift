import ArgumentParser
import DetectKit
import DetectKitUtilities
import Foundation

/// `detectkit bench iou`: one box against many, for each overlap measure.
struct IoUBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iou", abstract: "Overlap of one box against many (IoU, GIoU, DIoU, CIoU, IoS).")

    @Option(help: "Boxes in the 'many' set.")
    var count = 4096

    @OptionGroup var bench: BenchOptions

    func validate() throws {
        try OptionChecks.whole(count, "--count", in: 1...(OptionChecks.maxBufferValues / 4))
    }

    func run() throws {
        var rng = SplitMix64(seed: 42)
        var boxes = BoxArray()
        for _ in 0..<count {
            let x = Float(rng.unit() * 600), y = Float(rng.unit() * 400)
            boxes.append(Box(x1: x, y1: y, x2: x + 10 + Float(rng.unit() * 190), y2: y + 10 + Float(rng.unit() * 190)))
        }
        let probe = Box(x1: 250, y1: 150, x2: 350, y2: 260)
        var out = [Float](repeating: 0, count: count)
        for kind in OverlapKind.allCases {
            let inner = max(1, 4_000_000 / count)
            let ms = bench.medianMilliseconds(default: 21) {
                for _ in 0..<inner { OverlapKernels.overlaps(kind, of: probe, with: boxes, into: &out) }
            } / Double(inner)
            let perSecond = Double(count) / ms * 1e3
            bench.report(
                kind.rawValue, milliseconds: ms, fields: [("count", .int(count)), ("per_second", .double(perSecond))],
                text: "\(kind.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(count) boxes: "
                    + "\(String(format: "%.4f", ms)) ms, \(String(format: "%.2f", perSecond / 1e9)) G/s (\(OverlapKernels.instructionSet))")
        }
    }
}

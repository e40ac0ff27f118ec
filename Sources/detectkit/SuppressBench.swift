import ArgumentParser
import DetectKit
import Foundation

/// `detectkit bench suppress`: one method on a COCO results file, the suppression alone, repeated.
struct SuppressBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress", abstract: "Time a suppression method on a COCO results file (reading excluded).")

    @OptionGroup var suppression: SuppressionFlags

    @OptionGroup var bench: BenchOptions

    @Argument(help: "COCO results JSON.")
    var input: String

    func run() throws {
        try CommandFailure.report {
            let method = try suppression.suppressionMethod()
            let results = try COCOResults(contentsOf: input)
            let suppressor = method.makeSuppressor()
            var kept = 0
            let ms = try bench.medianMilliseconds(default: 15) {
                kept = try suppressor.apply(to: results.detections, options: suppression.options).count
            }
            bench.report(
                "\(method)", milliseconds: ms, fields: [("count", .int(results.count)), ("kept", .int(kept))],
                text: "\(method): \(results.count) boxes, \(kept) kept, median \(String(format: "%.3f", ms)) ms")
        }
    }
}

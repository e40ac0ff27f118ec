import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit bench suppress`: one method on a COCO results file, the suppression alone, repeated.
struct SuppressBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress", abstract: "Time a suppression method on a COCO results file (reading excluded).")

    @OptionGroup var suppression: SuppressionFlags

    @Option(help: "Timed samples; the median is reported.")
    var samples = 15

    @Flag(help: "One JSON line: {\"name\",\"count\",\"median_ms\",\"kept\"}.")
    var json = false

    @Argument(help: "COCO results JSON.")
    var input: String

    func validate() throws {
        try OptionChecks.samples(samples)
    }

    func run() throws {
        try CommandFailure.report {
            let method = try suppression.suppressionMethod()
            let results = try COCOResults(contentsOf: input)
            let suppressor = method.makeSuppressor()
            var kept = 0
            let median = try BenchTiming.median(samples: samples) {
                kept = try suppressor.apply(to: results.detections, options: suppression.options).count
            } * 1e3
            if json {
                print(JSONValue.object([("name", .string("\(method)")), ("count", .int(results.count)), ("median_ms", .double(median)), ("kept", .int(kept))]).text)
            } else {
                print("\(method): \(results.count) boxes, \(kept) kept, median \(String(format: "%.3f", median)) ms")
            }
        }
    }
}

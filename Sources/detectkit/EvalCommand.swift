import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit eval`: COCO bounding-box metrics of a results file against ground truth, as pycocotools computes them.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "COCO bbox metrics (AP, AP50, …, ARl) of detections against ground truth, as pycocotools.",
        discussion: """
            Computes the 12 statistics of pycocotools' COCOeval (iouType "bbox") in the same float64 arithmetic: \
            crowd regions, the ground truth's "area" field for the area ranges, ties broken by input order. \
            Every detection's image_id and category_id must be in the ground truth.
            """
    )

    @Option(name: .long, help: "COCO instances JSON (images, annotations, categories).")
    var groundTruth: String

    @Argument(help: "COCO results JSON: [{\"image_id\", \"category_id\", \"bbox\": [x, y, w, h], \"score\"}, …].")
    var detections: String

    @Flag(help: "Print one JSON object with the keys AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl.")
    var json = false

    @Option(help: "Threads (default: all cores).")
    var threads = OptionChecks.defaultThreads

    func validate() throws {
        try OptionChecks.threads(threads)
    }

    func run() throws {
        try CommandFailure.report {
            let truth = try COCOGroundTruth(contentsOf: groundTruth)
            let results = try COCOResults(contentsOf: detections)
            let evaluated = try EvaluatedDetections(results: results, groundTruth: truth)
            let statistics = COCOEvaluation(groundTruth: truth, detections: evaluated, threads: threads).statistics
            print(json ? StatisticsText.json(statistics) : StatisticsText.table(statistics))
        }
    }
}

/// How `eval` prints statistics.
enum StatisticsText {
    /// `{"AP": …, …}` with every value in full (shortest round-trip) precision.
    static func json(_ s: COCOStatistics) -> String {
        JSONValue.object(zip(COCOStatistics.names, s.values).map { ($0, .double($1)) }).text
    }

    /// pycocotools' summary lines, three decimals.
    static func table(_ s: COCOStatistics) -> String {
        zip(COCOStatistics.descriptions, s.values).map { " \($0) = \(String(format: "%.3f", $1))" }.joined(separator: "\n")
    }
}

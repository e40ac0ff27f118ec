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
            Every detection's image_id and category_id must be in the ground truth. --tide adds the TIDE error \
            breakdown (Bolya et al. 2020, as the authors' tidecv computes it): the AP points each error type costs \
            (Cls, Loc, Both, Dupe, Bkg, Miss; FalsePos and FalseNeg) and how many of each, at IoU --tide-iou \
            (0.5) with background below --tide-background (0.1); with --json, under "tide". \
            --confusion-matrix adds the detection confusion matrix as Ultralytics counts it (rows: predicted \
            category, then background; columns: true category, then background), for detections scoring above \
            --confusion-confidence (0.25) matched above --confusion-iou (0.45); with --json, under \
            "confusion_matrix". --curves adds AP per category at every IoU threshold, and precision, recall and F1 \
            against the confidence threshold (0 to 1 by 0.01; raw counts, matched at IoU 0.5 as COCO matches) per \
            category and over all, with the threshold of the best F1; with --json, under "per_class" and "curves".

            Detections that all carry "rbox": [cx, cy, w, h, angle] are evaluated as oriented boxes against the \
            ground truth's "rbox" (which every annotation then needs), by the exact IoU of the rectangles, their \
            areas the rboxes' w·h (--tide and --curves too; the confusion matrix takes axis-aligned boxes only); \
            --axis-aligned evaluates their "bbox" instead.
            """
    )

    @Option(name: .long, help: "COCO instances JSON (images, annotations, categories).")
    var groundTruth: String

    @Argument(help: "COCO results JSON: [{\"image_id\", \"category_id\", \"bbox\": [x, y, w, h], \"score\"}, …].")
    var detections: String

    @OptionGroup var orientation: OrientationFlags

    @Flag(help: "Print one JSON object with the keys AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl.")
    var json = false

    @Flag(help: "Also break the errors down as TIDE does (AP points per error type, and counts).")
    var tide = false

    @Option(name: .long, help: "TIDE's IoU for a match (default 0.5).")
    var tideIou: Double?

    @Option(name: .long, help: "TIDE's IoU at or below which a detection is background (default 0.1).")
    var tideBackground: Double?

    @Flag(help: "Also print the detection confusion matrix (Ultralytics' semantics).")
    var confusionMatrix = false

    @Option(name: .long, help: "Confusion matrix: count detections scoring above this (default 0.25).")
    var confusionConfidence: Float?

    @Option(name: .long, help: "Confusion matrix: match above this IoU (default 0.45).")
    var confusionIou: Float?

    @Flag(help: "Also give AP per category at every IoU, and precision, recall and F1 against the confidence threshold.")
    var curves = false

    @Flag(help: "Print {\"images\":N,\"detections\":N,\"seconds\":t} on stderr: reading both files through the 12 statistics.")
    var timing = false

    @Option(help: "Threads (default: all cores).")
    var threads = OptionChecks.defaultThreads

    func validate() throws {
        try OptionChecks.threads(threads)
        if !tide {
            try InapplicableOptions.reject(
                InapplicableOptions.given(["--tide-iou": tideIou != nil, "--tide-background": tideBackground != nil]), "they tune --tide")
        }
        if !confusionMatrix {
            try InapplicableOptions.reject(
                InapplicableOptions.given(["--confusion-confidence": confusionConfidence != nil, "--confusion-iou": confusionIou != nil]),
                "they tune --confusion-matrix")
        }
        try OptionChecks.unitInterval(confusionConfidence, "--confusion-confidence")
        try OptionChecks.unitInterval(confusionIou, "--confusion-iou")
        try OptionChecks.unitInterval(tideIou, "--tide-iou")
        try OptionChecks.unitInterval(tideBackground, "--tide-background")
        let positive = tideParameters.positiveThreshold
        if let background = tideBackground, background > positive {
            throw ValidationError("--tide-background \(background): must not exceed the match IoU \(positive)")
        }
    }

    /// TIDE's thresholds: those given, else tidecv's defaults.
    var tideParameters: TIDE.Parameters {
        let defaults = TIDE.Parameters()
        return TIDE.Parameters(
            positiveThreshold: tideIou ?? defaults.positiveThreshold, backgroundThreshold: tideBackground ?? defaults.backgroundThreshold)
    }

    func run() throws {
        try CommandFailure.report {
            let start = ContinuousClock.now
            let (truth, evaluated) = try EvaluatedDetections.read(
                groundTruth: groundTruth, detections: detections, threads: threads, axisAligned: orientation.axisAligned)
            let evaluation = COCOEvaluation(groundTruth: truth, detections: evaluated, threads: threads)
            let statistics = evaluation.statistics
            if timing {
                let elapsed = (ContinuousClock.now - start).components
                let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
                CommandFailure.standardError(
                    JSONValue.object([
                        ("images", .int(truth.images.count)), ("detections", .int(evaluated.count)), ("seconds", .double(seconds)),
                    ]).text)
            }
            let perClass = curves
                ? (evaluation.averagePrecisionByCategoryAndThreshold(), ConfidenceCurves(groundTruth: truth, detections: evaluated))
                : nil
            let errors = try tide
                ? TIDE(groundTruth: truth, detections: evaluated, parameters: tideParameters)
                : nil
            let matrix = try confusionMatrix
                ? ConfusionMatrix(
                    groundTruth: truth, detections: evaluated, confidence: confusionConfidence ?? ConfusionMatrix.defaultConfidence,
                    iouThreshold: confusionIou ?? ConfusionMatrix.defaultIoUThreshold)
                : nil
            if json {
                print(StatisticsText.json(
                    statistics, tide: errors, confusion: matrix.map { ($0, truth) },
                    curves: perClass.map { (evaluation.parameters.iouThresholds, $0.0, $0.1) }))
            } else {
                print(StatisticsText.table(statistics) + (errors.map { "\n" + StatisticsText.table($0) } ?? "")
                    + (matrix.map { "\n" + StatisticsText.table($0, truth) } ?? "")
                    + (perClass.map { "\n" + StatisticsText.table($0.0, evaluation.averagePrecisionByCategory(), $0.1, truth) } ?? ""))
            }
        }
    }
}

/// How `eval` prints statistics.
enum StatisticsText {
    /// `{"AP": …, …}` with every value in full (shortest round-trip) precision, and `"tide": {"ap", "delta_ap":
    /// {"Cls", …, "FalsePos", "FalseNeg"}, "counts": {"Cls", …}}` when given (AP points, 0–100).
    static func json(
        _ s: COCOStatistics, tide: TIDE? = nil, confusion: (ConfusionMatrix, COCOGroundTruth)? = nil,
        curves: (ious: [Double], byThreshold: [Int: [Double]], ConfidenceCurves)? = nil
    ) -> String {
        var fields = zip(COCOStatistics.names, s.values).map { ($0, JSONValue.double($1)) }
        if let tide { fields.append(("tide", tide.json)) }
        if let (m, truth) = confusion { fields.append(("confusion_matrix", m.json(categoryIDs: ConfusionMatrix.classIDs(of: truth)))) }
        if let (ious, byThreshold, c) = curves {
            fields.append(("per_class", COCOEvaluation.perClassJSON(ious: ious, byThreshold: byThreshold)))
            fields.append(("curves", c.json))
        }
        return JSONValue.object(fields).text
    }

    /// AP per category at IoU 0.50, 0.75 and over 0.50:0.95 (`byCategory`, as pycocotools averages it), and the
    /// best F1 with its threshold.
    static func table(
        _ byThreshold: [Int: [Double]], _ byCategory: [Int: Double], _ curves: ConfidenceCurves, _ truth: COCOGroundTruth
    ) -> String {
        let names = Dictionary(truth.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func cell(_ s: String) -> String { String(repeating: " ", count: max(0, 10 - s.count)) + s }
        func value(_ v: Double) -> String { v < 0 ? "-" : String(format: "%.3f", v) }
        var lines = [" " + "category".padding(toLength: 16, withPad: " ", startingAt: 0) + ["AP50", "AP75", "AP"].map(cell).joined()]
        for id in byThreshold.keys.sorted() {
            let v = byThreshold[id] ?? []
            let name = String((names[id].map { $0.isEmpty ? "\(id)" : $0 } ?? "\(id)").prefix(15))
            lines.append(" " + name.padding(toLength: 16, withPad: " ", startingAt: 0)
                + [v.first ?? -1, v.count > 5 ? v[5] : -1, byCategory[id] ?? -1].map { cell(value($0)) }.joined())
        }
        if let b = curves.best {
            lines.append(String(
                format: " Best F1 %.3f at confidence >= %.4g (precision %.3f, recall %.3f), IoU %.2f", b.f1, b.threshold, b.precision,
                b.recall, curves.iouThreshold))
        }
        return lines.joined(separator: "\n")
    }

    /// The confusion matrix with the categories' names: a row per predicted category and background, a column per
    /// true one.
    static func table(_ m: ConfusionMatrix, _ truth: COCOGroundTruth) -> String {
        let names = Dictionary(truth.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let labels = ConfusionMatrix.classIDs(of: truth).map { names[$0].map { $0.isEmpty ? "?" : $0 } ?? "?" } + ["background"]
        let width = max(10, (labels.map(\.count).max() ?? 0) + 1)
        func cell(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var lines = [" Confusion matrix (rows: predicted, columns: true), confidence > \(m.confidence), IoU > \(m.iouThreshold)"]
        lines.append(" " + cell("") + labels.map(cell).joined())
        for (r, row) in m.counts.enumerated() { lines.append(" " + cell(labels[r]) + row.map { cell(String($0)) }.joined()) }
        return lines.joined(separator: "\n")
    }

    /// tidecv's summary: AP at the match IoU, then ΔAP and the count of each error type, two decimals.
    static func table(_ t: TIDE) -> String {
        let types = TIDE.ErrorType.allCases
        func row(_ cells: [String]) -> String {
            String(cells.map { $0.padding(toLength: 9, withPad: " ", startingAt: 0) }.joined().reversed().drop { $0 == " " }.reversed())
        }
        return [
            " TIDE errors at IoU \(String(format: "%.2f", t.parameters.positiveThreshold)): AP \(String(format: "%.2f", t.averagePrecision))",
            " " + row(["type"] + types.map(\.rawValue) + ["FalsePos", "FalseNeg"]),
            " " + row(["dAP"] + types.map { String(format: "%.2f", t.deltaAP[$0] ?? 0) }
                + [t.falsePositiveDeltaAP, t.falseNegativeDeltaAP].map { String(format: "%.2f", $0) }),
            " " + row(["count"] + types.map { String(t.counts[$0] ?? 0) }),
        ].joined(separator: "\n")
    }

    /// pycocotools' summary lines, three decimals.
    static func table(_ s: COCOStatistics) -> String {
        zip(COCOStatistics.descriptions, s.values).map { " \($0) = \(String(format: "%.3f", $1))" }.joined(separator: "\n")
    }
}

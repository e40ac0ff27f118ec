import Foundation
import JSONScanning

extension MethodComparison {
    /// The rows as aligned text, best AP first: method, AP, AP50, AP75, AR100, boxes kept, milliseconds, then the
    /// AP points each TIDE error type costs (Cls, Loc, Both, Dupe, Bkg, Miss; `-` when there is nothing to score).
    public var table: String {
        let width = max(8, outcomes.map { $0.method.description.count }.max() ?? 0) + 2
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func left(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        let types = TIDE.ErrorType.allCases
        var lines = [pad("method", width) + ["AP", "AP50", "AP75", "AR100", "kept", "ms"].map { left($0, 9) }.joined()
            + types.map { left($0.rawValue, 7) }.joined()]
        for o in outcomes {
            let s = o.statistics
            lines.append(pad(o.method.description, width)
                + [s.AP, s.AP50, s.AP75, s.AR100].map { left(String(format: "%.4f", $0), 9) }.joined()
                + left(String(o.kept.count), 9) + left(String(format: "%.2f", o.milliseconds), 9)
                + types.map { t in left(o.tide.map { String(format: "%.2f", $0.deltaAP[t] ?? 0) } ?? "-", 7) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The rows as a JSON array of `{"method", "AP", "AP50", "AP75", "AR100", "kept", "milliseconds", "tide",
    /// "per_class", "curves", "confusion_matrix"}`, one per line; the last four as `eval --tide --curves
    /// --confusion-matrix --json` writes them for the method's survivors (`"tide"` null when there is nothing to
    /// score, `"confusion_matrix"` null when a box is beyond its range). `categoryIDs` orders the matrix (the ground
    /// truth's ids, sorted).
    public func jsonRows(categoryIDs: [Int]) -> String {
        let rows = outcomes.map { o in
            let s = o.statistics
            return JSONValue.object([
                ("method", .string(o.method.description)), ("AP", .double(s.AP)), ("AP50", .double(s.AP50)),
                ("AP75", .double(s.AP75)), ("AR100", .double(s.AR100)), ("kept", .int(o.kept.count)),
                ("milliseconds", .double(o.milliseconds)), ("tide", o.tide.map(\.json) ?? .null),
                ("per_class", COCOEvaluation.perClassJSON(ious: o.iouThresholds, byThreshold: o.averagePrecisionByCategoryAndThreshold)),
                ("curves", o.confidence.json), ("confusion_matrix", o.confusion.map { $0.json(categoryIDs: categoryIDs) } ?? .null),
            ]).text
        }
        return "[" + rows.joined(separator: ",\n") + "]"
    }
}

import Evaluation
import Foundation

/// The self-contained HTML page of `detectkit compare --report`: the results table (with the TIDE error
/// breakdown), SVG charts of AP per method, of the AP each TIDE error type costs per method, of the
/// precision-recall curves at IoU 0.5 and 0.75 and of F1 against the confidence threshold, AP per category, each
/// method's confusion matrix as a heat map, and the image grids (PNG files next to the page, referenced by
/// relative paths). Inline CSS and SVG only: no scripts, nothing fetched.
public struct ComparisonReport: Sendable {
    /// One image grid: its title and its path relative to the page.
    public struct Grid: Sendable {
        /// Shown under the grid (the image's file name).
        public var title: String
        /// Relative path of the PNG.
        public var path: String

        /// A grid entry.
        public init(title: String, path: String) {
            self.title = title
            self.path = path
        }
    }

    /// What was compared: a line such as "ground truth gt.json, raw detections raw.json".
    public var subtitle: String
    /// The comparison.
    public var comparison: MethodComparison
    /// Category names by id, for the per-category table.
    public var categoryNames: [Int: String]
    /// Image grids, in display order.
    public var grids: [Grid]

    /// A report.
    public init(subtitle: String, comparison: MethodComparison, categoryNames: [Int: String], grids: [Grid] = []) {
        self.subtitle = subtitle
        self.comparison = comparison
        self.categoryNames = categoryNames
        self.grids = grids
    }

    /// The page.
    public var html: String {
        let e = SVGChart.escaped, outcomes = comparison.outcomes
        let names = outcomes.map { $0.method.description }
        func cell(_ v: Double) -> String { v < 0 ? "–" : String(format: "%.4f", v) }
        let types = TIDE.ErrorType.allCases
        var rows = ""
        for (i, o) in outcomes.enumerated() {
            let s = o.statistics
            rows += "<tr\(i == 0 ? " class=\"best\"" : "")><td>\(e(o.method.description))</td><td>\(cell(s.AP))</td>"
                + "<td>\(cell(s.AP50))</td><td>\(cell(s.AP75))</td><td>\(cell(s.AR100))</td><td>\(o.kept.count)</td>"
                + "<td>\(String(format: "%.2f", o.milliseconds))</td>"
                + types.map { t in "<td>\(o.tide.map { String(format: "%.2f", $0.deltaAP[t] ?? 0) } ?? "–")</td>" }.joined()
                + "<td>\(o.confidence.best.map { String(format: "%.3f @ %.3g", $0.f1, $0.threshold) } ?? "–")</td></tr>\n"
        }
        let categories = categoryNames.keys.sorted()
        var perCategory = "<tr><th>method</th>" + categories.map { "<th>\(e(categoryNames[$0] ?? String($0)))</th>" }.joined() + "</tr>\n"
        for o in outcomes {
            perCategory += "<tr><td>\(e(o.method.description))</td>"
                + categories.map { "<td>\(cell(o.averagePrecisionByCategory[$0] ?? -1))</td>" }.joined() + "</tr>\n"
        }
        // AP at every IoU threshold, a table per method (folded).
        let perThreshold = outcomes.map { o in
            "<details><summary>\(e(o.method.description))</summary><table><tr><th>category</th>"
                + o.iouThresholds.map { "<th>\(String(format: "%.2f", $0))</th>" }.joined() + "<th>AP</th></tr>\n"
                + categories.map { id in
                    "<tr><td>\(e(categoryNames[id] ?? String(id)))</td>"
                        + (o.averagePrecisionByCategoryAndThreshold[id] ?? []).map { "<td>\(cell($0))</td>" }.joined()
                        + "<td>\(cell(o.averagePrecisionByCategory[id] ?? -1))</td></tr>\n"
                }.joined() + "</table></details>"
        }.joined(separator: "\n")
        let recall = EvaluationParameters.coco.recallThresholds
        let bars = SVGChart.bars(
            title: "AP per method", labels: names,
            series: [("AP", outcomes.map(\.statistics.AP)), ("AP50", outcomes.map(\.statistics.AP50)),
                     ("AP75", outcomes.map(\.statistics.AP75))])
        let pr50 = SVGChart.curves(title: "Precision–recall, IoU 0.50", x: recall, series: outcomes.map { ($0.method.description, $0.curve50) })
        let pr75 = SVGChart.curves(title: "Precision–recall, IoU 0.75", x: recall, series: outcomes.map { ($0.method.description, $0.curve75) })
        let tideBars = SVGChart.bars(
            title: "AP points lost per error type (TIDE)", labels: names,
            series: types.map { t in (t.rawValue, outcomes.map { $0.tide?.deltaAP[t] ?? 0 }) },
            maximum: max(1, (outcomes.flatMap { o in types.map { o.tide?.deltaAP[$0] ?? 0 } }.max() ?? 0).rounded(.up)))
        let f1 = SVGChart.curves(
            title: "F1 against confidence, IoU 0.50", x: outcomes.first?.confidence.thresholds ?? [],
            series: outcomes.map { ($0.method.description, $0.confidence.overall.f1) }, xLabel: "confidence threshold", yLabel: "F1")
        let matrices = outcomes.compactMap { o in o.confusion.map { Self.heatMap($0, title: o.method.description, names: categoryNames) } }
            .joined(separator: "\n")
        let figures = grids.map {
            "<figure><img src=\"\(e($0.path))\" alt=\"\(e($0.title))\" loading=\"lazy\"><figcaption>\(e($0.title))</figcaption></figure>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>DetectKit: suppression methods compared</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1400px}
            h1{font-size:22px}h2{font-size:17px;margin-top:28px}p.sub{color:#555}
            table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}
            td:first-child,th:first-child{text-align:left}tr.best{background:#eef6ee;font-weight:600}
            .charts{display:flex;flex-wrap:wrap;gap:24px}svg .t{font-size:14px;font-weight:600}svg .l{font-size:11px}
            svg .g{stroke:#e4e4e4;stroke-width:1}figure{margin:0 0 24px 0}figure img{max-width:100%;border:1px solid #ddd}
            figcaption{font-size:13px;color:#555}table.heat td{min-width:28px}table.heat caption{font-weight:600;text-align:left;padding:4px 0}
            </style></head><body>
            <h1>Suppression methods compared</h1>
            <p class="sub">\(e(subtitle)). COCO bbox metrics as pycocotools computes them; best AP first; time is the suppression alone.</p>
            <table><tr><th>method</th><th>AP</th><th>AP50</th><th>AP75</th><th>AR100</th><th>boxes kept</th><th>ms</th>\(types.map { "<th>\($0.rawValue)</th>" }.joined())<th>best F1 @ conf</th></tr>
            \(rows)</table>
            <p class="sub">Cls … Miss: AP points (0–100) each error type costs, as TIDE (tidecv) computes them at IoU 0.5.</p>
            <h2>Charts</h2><div class="charts">\(bars)\(tideBars)\(pr50)\(pr75)\(f1)</div>
            <h2>AP per category</h2><table>\(perCategory)</table>
            <h3>AP per category at each IoU threshold</h3>
            \(perThreshold)
            <h2>Confusion matrices</h2>
            <p class="sub">Rows: predicted category, then background; columns: true category, then background (Ultralytics' counts at confidence 0.25, IoU 0.45).</p>
            <div class="charts">\(matrices)</div>
            \(grids.isEmpty ? "" : "<h2>Images: ground truth and each method's kept boxes</h2>\n" + figures)
            </body></html>

            """
    }

    /// One confusion matrix as an HTML table whose cells darken with their share of their true category's column.
    static func heatMap(_ m: ConfusionMatrix, title: String, names: [Int: String]) -> String {
        let e = SVGChart.escaped
        let ids = names.keys.sorted()
        let labels = (ids.count == m.classCount ? ids.map { names[$0] ?? String($0) } : (0..<m.classCount).map(String.init)) + ["background"]
        let columnTotals = (0...m.classCount).map { c in m.counts.reduce(0) { $0 + $1[c] } }
        var html = "<table class=\"heat\"><caption>\(e(title))</caption><tr><th>predicted \\ true</th>"
            + labels.map { "<th>\(e($0))</th>" }.joined() + "</tr>"
        for (r, row) in m.counts.enumerated() {
            html += "<tr><th>\(e(labels[r]))</th>"
            for (c, n) in row.enumerated() {
                let share = columnTotals[c] == 0 ? 0 : Double(n) / Double(columnTotals[c])
                let light = Int((96 - 60 * share).rounded())
                html += "<td style=\"background:hsl(210,70%,\(light)%);color:\(share > 0.55 ? "#fff" : "#222")\">\(n)</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }
}

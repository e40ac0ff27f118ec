import Foundation

/// The two chart kinds of the comparison report, drawn as inline SVG text (no scripts, no external resources).
enum SVGChart {
    /// Line and bar colours, one per series (Tableau 10 plus two), cycling.
    static let colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                         "#9c755f", "#bab0ac", "#17becf", "#7f7f7f"]

    /// Escapes text for HTML and SVG.
    static func escaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

    /// Horizontal grouped bars: one group per label, one bar per series (values in 0…`maximum`, negative drawn as
    /// 0).
    static func bars(title: String, labels: [String], series: [(name: String, values: [Double])], maximum: Double = 1) -> String {
        let left = 150.0, barH = 9.0, gap = 8.0, plotW = 460.0, top = 40.0
        let groupH = Double(series.count) * barH + gap
        let height = top + Double(labels.count) * groupH + 30
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(left + plotW + 60))\" height=\"\(Int(height))\" role=\"img\">"
        s += "<title>\(escaped(title))</title><text x=\"4\" y=\"18\" class=\"t\">\(escaped(title))</text>"
        let legendStep = min(110, (plotW + 40) / Double(max(series.count, 1)))
        for (j, item) in series.enumerated() {
            let x = left + Double(j) * legendStep
            s += "<rect x=\"\(format(x))\" y=\"26\" width=\"10\" height=\"10\" fill=\"\(colors[j % colors.count])\"/>"
            s += "<text x=\"\(format(x + 14))\" y=\"35\" class=\"l\">\(escaped(item.name))</text>"
        }
        for tick in stride(from: 0.0, through: 1.0, by: 0.2) {
            let x = left + tick * plotW
            s += "<line x1=\"\(format(x))\" y1=\"\(format(top))\" x2=\"\(format(x))\" y2=\"\(format(height - 24))\" class=\"g\"/>"
            s += "<text x=\"\(format(x))\" y=\"\(format(height - 10))\" class=\"l\" text-anchor=\"middle\">\(format(tick * maximum))</text>"
        }
        for (i, label) in labels.enumerated() {
            let y0 = top + Double(i) * groupH
            s += "<text x=\"\(format(left - 6))\" y=\"\(format(y0 + groupH / 2 + 2))\" class=\"l\" text-anchor=\"end\">\(escaped(label))</text>"
            for (j, item) in series.enumerated() {
                let v = max(0, min(1, item.values[i] / maximum)), y = y0 + Double(j) * barH
                s += "<rect x=\"\(format(left))\" y=\"\(format(y))\" width=\"\(format(v * plotW))\" height=\"\(format(barH - 1))\" fill=\"\(colors[j % colors.count])\">"
                s += "<title>\(escaped(label)) \(escaped(item.name)) \(format(item.values[i], 4))</title></rect>"
            }
        }
        return s + "</svg>"
    }

    /// `yLabel` (y) against `xLabel` (x) in the unit square, one line per series; points below 0 (undefined) are
    /// left out.
    static func curves(
        title: String, x: [Double], series: [(name: String, values: [Double])], xLabel: String = "recall", yLabel: String = "precision"
    ) -> String {
        let left = 50.0, top = 30.0, side = 360.0, legendX = left + side + 20
        let height = max(top + side + 40, top + Double(series.count) * 16 + 20)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(legendX + 170))\" height=\"\(Int(height))\" role=\"img\">"
        s += "<title>\(escaped(title))</title><text x=\"4\" y=\"18\" class=\"t\">\(escaped(title))</text>"
        for tick in stride(from: 0.0, through: 1.0, by: 0.2) {
            let px = left + tick * side, py = top + (1 - tick) * side
            s += "<line x1=\"\(format(px))\" y1=\"\(format(top))\" x2=\"\(format(px))\" y2=\"\(format(top + side))\" class=\"g\"/>"
            s += "<line x1=\"\(format(left))\" y1=\"\(format(py))\" x2=\"\(format(left + side))\" y2=\"\(format(py))\" class=\"g\"/>"
            s += "<text x=\"\(format(px))\" y=\"\(format(top + side + 14))\" class=\"l\" text-anchor=\"middle\">\(format(tick))</text>"
            s += "<text x=\"\(format(left - 6))\" y=\"\(format(py + 4))\" class=\"l\" text-anchor=\"end\">\(format(tick))</text>"
        }
        s += "<text x=\"\(format(left + side / 2))\" y=\"\(format(top + side + 32))\" class=\"l\" text-anchor=\"middle\">\(escaped(xLabel))</text>"
        s += "<text x=\"12\" y=\"\(format(top + side / 2))\" class=\"l\" transform=\"rotate(-90 12 \(format(top + side / 2)))\" text-anchor=\"middle\">\(escaped(yLabel))</text>"
        for (j, item) in series.enumerated() {
            let color = colors[j % colors.count]
            let points = zip(x, item.values).filter { $0.1 >= 0 }
                .map { "\(format(left + $0.0 * side, 2)),\(format(top + (1 - $0.1) * side, 2))" }
            if !points.isEmpty {
                s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\">"
                s += "<title>\(escaped(item.name))</title></polyline>"
            }
            let ly = top + Double(j) * 16
            s += "<line x1=\"\(format(legendX))\" y1=\"\(format(ly))\" x2=\"\(format(legendX + 18))\" y2=\"\(format(ly))\" stroke=\"\(color)\" stroke-width=\"3\"/>"
            s += "<text x=\"\(format(legendX + 24))\" y=\"\(format(ly + 4))\" class=\"l\">\(escaped(item.name))</text>"
        }
        return s + "</svg>"
    }
}

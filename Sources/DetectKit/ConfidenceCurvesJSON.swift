import JSONScanning

extension ConfidenceCurves {
    /// `{"iou", "thresholds", "overall", "by_category", "best_f1"}`, each curve as `{"precision", "recall", "f1"}`
    /// at the thresholds: what `eval --curves --json` and `compare --json` write.
    package var json: JSONValue {
        func doubles(_ v: [Double]) -> JSONValue { .array(v.map { .double($0) }) }
        func curve(_ k: Curve) -> JSONValue {
            .object([("precision", doubles(k.precision)), ("recall", doubles(k.recall)), ("f1", doubles(k.f1))])
        }
        let best: JSONValue = self.best.map {
            .object([("threshold", .double($0.threshold)), ("f1", .double($0.f1)), ("precision", .double($0.precision)),
                     ("recall", .double($0.recall))])
        } ?? .null
        return .object([
            ("iou", .double(iouThreshold)), ("thresholds", doubles(thresholds)), ("overall", curve(overall)),
            ("by_category", .object(byCategory.keys.sorted().compactMap { id in byCategory[id].map { (String(id), curve($0)) } })),
            ("best_f1", best),
        ])
    }
}

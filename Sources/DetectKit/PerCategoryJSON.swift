import JSONScanning

extension COCOEvaluation {
    /// `{"iou_thresholds": [...], "AP": {"<category id>": [AP at each threshold, −1 where undefined]}}`: what
    /// `eval --curves --json` and `compare --json` write as `"per_class"`.
    package static func perClassJSON(ious: [Double], byThreshold: [Int: [Double]]) -> JSONValue {
        func doubles(_ v: [Double]) -> JSONValue { .array(v.map { .double($0) }) }
        return .object([
            ("iou_thresholds", doubles(ious)),
            ("AP", .object(byThreshold.keys.sorted().map { (String($0), doubles(byThreshold[$0] ?? [])) })),
        ])
    }
}

import JSONScanning

extension ConfusionMatrix {
    /// `{"category_ids", "confidence", "iou", "counts"}` (`counts[predicted][true]`, background last in both, in the
    /// order of `categoryIDs`): what `eval --confusion-matrix --json` and `compare --json` write.
    package func json(categoryIDs: [Int]) -> JSONValue {
        .object([
            ("category_ids", .array(categoryIDs.map { .int($0) })), ("confidence", .float(confidence)), ("iou", .float(iouThreshold)),
            ("counts", .array(counts.map { .array($0.map { .int($0) }) })),
        ])
    }
}

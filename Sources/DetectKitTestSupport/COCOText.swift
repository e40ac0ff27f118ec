import Boxes
import JSONScanning

/// Detections written as COCO results JSON text, for tests that go through files and the command line.
public enum COCOText {
    /// One record per detection: its image as `image_id`, its category, `bbox` as xywh, its score.
    public static func results(_ d: Detections) -> String {
        let records = (0..<d.count).map { i in
            let b = d.boxes[i]
            return JSONValue.object([
                ("image_id", .int(d.images[i])), ("category_id", .int(d.categories[i])),
                ("bbox", .array([b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1].map { .float($0) })), ("score", .float(d.scores[i])),
            ]).text
        }
        return "[" + records.joined(separator: ",\n") + "]"
    }
}

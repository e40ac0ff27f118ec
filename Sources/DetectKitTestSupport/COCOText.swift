import Boxes
import Suppression

/// Detections written as COCO results JSON text, for tests that go through files and the command line.
public enum COCOText {
    /// One record per detection: `image_id` 1, the detection's category, `bbox` as xywh, its score.
    public static func results(_ d: Detections) -> String {
        var parts: [String] = []
        parts.reserveCapacity(d.count)
        for i in 0..<d.count {
            let b = d.boxes[i]
            parts.append(
                "{\"image_id\": \(d.images[i]), \"category_id\": \(d.categories[i]), "
                    + "\"bbox\": [\(b.x1), \(b.y1), \(b.x2 - b.x1), \(b.y2 - b.y1)], \"score\": \(d.scores[i])}")
        }
        return "[" + parts.joined(separator: ",\n") + "]"
    }
}

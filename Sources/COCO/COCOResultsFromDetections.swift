import Boxes
import Foundation
import JSONScanning

extension COCOResults {
    /// Results made from detections already in memory (a detector's output, per image), as if read from the file
    /// `recordFields(_:imageID:)` describes: one record per detection, images in the order given.
    ///
    /// - Parameters:
    ///   - images: Each image's id and its detections (their `images` keys are ignored).
    ///   - source: What to call them in messages, e.g. `detector on samples/images`.
    public init(images: [(id: COCOImageID, detections: Detections)], source: String) throws {
        var text = "["
        var first = true
        for (id, detections) in images {
            for fields in Self.recordFields(detections, imageID: id) {
                text += (first ? "\n" : ",\n") + JSONValue.object(fields).text
                first = false
            }
        }
        text += first ? "]\n" : "\n]\n"
        try self.init(data: Data(text.utf8), source: source)
    }

    /// One record's fields per detection of `d` (all of one image), in `d`'s order: `image_id`, `category_id`,
    /// `bbox` as `[x, y, w, h]`, `score`, `bbox_std` when `d` has deviations, and `rbox` when it is oriented.
    package static func recordFields(_ d: Detections, imageID: COCOImageID) -> [[(String, JSONValue)]] {
        (0..<d.count).map { i in
            let b = d.boxes[i]
            var fields: [(String, JSONValue)] = [
                ("image_id", imageID.json), ("category_id", .int(d.categories[i])),
                ("bbox", .array([b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1].map { .float($0) })), ("score", .float(d.scores[i])),
            ]
            if let s = d.deviations?[i] { fields.append(("bbox_std", .array([s.x, s.y, s.z, s.w].map { .float($0) }))) }
            if let o = d.rotated?[i] { fields.append(("rbox", .array([o.cx, o.cy, o.width, o.height, o.angle].map { .float($0) }))) }
            return fields
        }
    }
}

import Foundation
import JSONScanning

extension Pipeline.Result {
    /// The kept detections as COCO results records of image `id` (`image_id`, `category_id`, `bbox`, `score`,
    /// `bbox_std` when known), each named box with its `label` and `label_probability`.
    public func records(imageID id: COCOImageID) -> [String] {
        var records = COCOResults.recordFields(kept, imageID: id)
        for (k, name) in names.enumerated() where k < records.count {
            guard let name else { continue }
            records[k] += [("label", .string(name.label)), ("label_probability", .float(name.probability))]
        }
        return records.map { JSONValue.object($0).text }
    }
}

extension Pipeline {
    /// A COCO results document (a JSON array, one record per line) of records made by
    /// ``Result/records(imageID:)``, as `detectkit detect` writes it.
    public static func resultsDocument(_ records: [String]) -> Data {
        Data(("[" + (records.isEmpty ? "" : "\n" + records.joined(separator: ",\n") + "\n") + "]\n").utf8)
    }
}

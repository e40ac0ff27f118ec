import Foundation
import Suppression

/// The image and category names of a COCO instances file (`"images": [{"id", "file_name"}]`,
/// `"categories": [{"id", "name"}]`): how `detectkit annotate --images` ties results to files and names classes.
public struct COCOCatalog: Sendable {
    /// Image ids by file name (the last path component of `file_name`).
    public let imageIDs: [String: COCOImageID]
    /// Category names by id.
    public let categoryNames: [Int: String]

    /// Reads an instances file; throws ``COCOResultsError`` naming the file and the record at fault.
    public init(contentsOf path: String) throws {
        func fail(_ message: String, record: Int? = nil) -> COCOResultsError {
            COCOResultsError(source: path, record: record, message: message)
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw fail("cannot read a JSON document: \(error.localizedDescription)")
        }
        guard let top = json as? [String: Any] else { throw fail("expected a JSON object with \"images\"") }
        guard let images = top["images"] as? [[String: Any]] else { throw fail("missing array \"images\"") }
        var ids: [String: COCOImageID] = [:]
        for (k, image) in images.enumerated() {
            guard let name = image["file_name"] as? String else { throw fail("images: missing \"file_name\"", record: k) }
            let id: COCOImageID
            switch image["id"] {
            case let n as NSNumber where !Self.isBoolean(n) && n.doubleValue.isFinite: id = .number(n.doubleValue)
            case let t as String: id = .text(t)
            default: throw fail("images: \"id\" must be a number or a string", record: k)
            }
            ids[(name as NSString).lastPathComponent] = id
        }
        var names: [Int: String] = [:]
        for (k, category) in ((top["categories"] as? [[String: Any]]) ?? []).enumerated() {
            guard let number = category["id"] as? NSNumber, !Self.isBoolean(number), let name = category["name"] as? String else {
                throw fail("categories: expected \"id\" and \"name\"", record: k)
            }
            // As the results' category_id: a whole number a Double holds exactly (1e300 or 2.5 is no class id).
            let value = number.doubleValue
            guard value == value.rounded(), abs(value) < 9.0e15 else {
                throw fail("categories: \"id\" \(number) must be an integer", record: k)
            }
            guard names.updateValue(name, forKey: Int(value)) == nil else {
                throw fail("categories: id \(Int(value)) appears twice", record: k)
            }
        }
        imageIDs = ids
        categoryNames = names
    }

    /// Whether JSONSerialization read `n` from `true` or `false`. (`n is Bool` will not do: on Linux it also holds
    /// for the numbers 0 and 1.)
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }
}

import COCO
import Foundation
import Testing

/// `COCOCatalog`, the names of a ``COCOGroundTruth``: image ids by file name, category names, and errors naming the
/// record.
@Suite struct COCOCatalogTests {
    static func catalog(_ json: String) throws -> COCOCatalog {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try COCOCatalog(contentsOf: url.path)
    }

    /// Ids 0 and 1 are numbers, not booleans (on Linux, `NSNumber(1) is Bool` holds).
    @Test func numericAndTextIDs() throws {
        let c = try Self.catalog("""
            {"images": [{"id": 0, "file_name": "a/0.png"}, {"id": 1, "file_name": "1.jpg"}, {"id": 2.5, "file_name": "x.png"},
                        {"id": "seven", "file_name": "7.png"}],
             "categories": [{"id": 1, "name": "circle"}]}
            """)
        #expect(c.imageIDs == ["0.png": .number(0), "1.jpg": .number(1), "x.png": .number(2.5), "7.png": .text("seven")])
        #expect(c.categoryNames == [1: "circle"])
    }

    @Test func booleanIDIsAnErrorNamingTheRecord() throws {
        let error = #expect(throws: COCOInstancesError.self) {
            try Self.catalog(#"{"images": [{"id": 3, "file_name": "3.png"}, {"id": true, "file_name": "t.png"}]}"#)
        }
        #expect(error?.record?.hasPrefix("images[1]") == true, "\(String(describing: error))")
    }

    /// A category id must be an integer a Double holds exactly, given once: 1e300 and 2^63 were turned into some
    /// other Int, and 2.5 into 2, silently naming the wrong class.
    @Test(arguments: ["1e300", "2.5", "9223372036854775808", "-9223372036854775809", "true"])
    func categoryIDsMustBeIntegers(id: String) throws {
        let error = #expect(throws: COCOInstancesError.self) {
            try Self.catalog(#"{"images": [], "categories": [{"id": 1, "name": "a"}, {"id": \#(id), "name": "b"}]}"#)
        }
        #expect(error?.record?.hasPrefix("categories[1]") == true, "\(String(describing: error))")
    }

    @Test func categoryGivenTwiceIsAnError() throws {
        let error = #expect(throws: COCOInstancesError.self) {
            try Self.catalog(#"{"images": [], "categories": [{"id": 4, "name": "a"}, {"id": 4.0, "name": "b"}]}"#)
        }
        #expect(error?.description.contains("category id 4 appears twice") == true, "\(String(describing: error))")
    }
}

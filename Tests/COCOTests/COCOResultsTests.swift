import Boxes
import COCO
import Foundation
import Suppression
import Testing

@Suite struct COCOResultsTests {
    static func parse(_ text: String) throws -> COCOResults { try COCOResults(data: Data(text.utf8), source: "in.json") }

    @Test func readsRecordsAndOptionalFields() throws {
        let r = try Self.parse("""
            [{"image_id": 1, "category_id": 3, "bbox": [10, 20, 30, 40], "score": 0.5, "bbox_std": [1, 2, 3, 4], "model": 2},
             {"image_id": "a.png", "category_id": 3, "bbox": [0.5, 0, 1e1, 2E-1], "score": 1}]
            """)
        #expect(r.count == 2)
        #expect(r.detections.boxes[0] == Box(x1: 10, y1: 20, x2: 40, y2: 60))
        #expect(r.detections.boxes[1] == Box(x1: 0.5, y1: 0, x2: 10.5, y2: 0.2))
        #expect(r.detections.images == [0, 1] && r.detections.categories == [3, 3])
        #expect(r.detections.deviations?[0] == SIMD4(1, 2, 3, 4) && r.detections.deviations?[1] == SIMD4(1, 1, 1, 1))
        #expect(r.detections.models == [2, 0])
    }

    @Test func numericImageIdsMatchByValue() throws {
        let r = try Self.parse("""
            [{"image_id": 1, "category_id": 1, "bbox": [0,0,1,1], "score": 1},
             {"image_id": 1.0, "category_id": 1, "bbox": [0,0,1,1], "score": 1},
             {"image_id": "1", "category_id": 1, "bbox": [0,0,1,1], "score": 1}]
            """)
        #expect(r.detections.images == [0, 0, 1])
    }

    @Test func carriesUnknownFieldsThroughByteForByte() throws {
        let text = """
            [{"id": 17, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9, "note": {"x": [1, "é\\n"]}},
            {"image_id": 1, "category_id": 1, "bbox": [1, 0, 10, 10], "score": 0.8, "id": 18}]
            """
        let r = try Self.parse(text)
        let nms = try GreedyNMS.nms().apply(to: r.detections)
        let out = String(decoding: r.encode(nms), as: UTF8.self)
        #expect(out == "[\n{\"id\": 17, \"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 10, 10], \"score\": 0.9, \"note\": {\"x\": [1, \"é\\n\"]}}\n]\n")
        // A method that changes scores and boxes rewrites only those two values.
        let soft = try SoftNMS.gaussian().apply(to: r.detections)
        let rewritten = String(decoding: r.encode(soft), as: UTF8.self)
        #expect(rewritten.contains("\"id\": 18}"))
        #expect(rewritten.contains("\"score\": \(soft[1].score), \"id\": 18"))
        let json = try JSONSerialization.jsonObject(with: r.encode(try WeightedBoxesFusion().apply(to: r.detections))) as? [[String: Any]]
        #expect((json?[0]["note"] as? [String: Any]) != nil)
        #expect(String(decoding: r.encode([]), as: UTF8.self) == "[]\n")
    }

    @Test(arguments: [
        ("", "empty input"),
        ("nope", "not valid JSON at line 1, column 1"),
        ("{\"a\": 1}", "expected a JSON array"),
        ("[1]", "record 0 (line 1): expected an object"),
        ("[{\"image_id\": 1}]", "missing field \"category_id\""),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1]}]", "missing field \"score\""),
        ("[{\"image_id\": 1, \"category_id\": 1.5, \"bbox\": [0,0,1,1], \"score\": 1}]", "\"category_id\" must be an integer"),
        ("[{\"image_id\": null, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": 1}]", "\"image_id\" must be a number or a string"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1], \"score\": 1}]", "\"bbox\" must be an array of 4 numbers"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,\"1\",1], \"score\": 1}]", "\"bbox\" must be a number"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,-1,1], \"score\": 1}]", "negative width or height"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": 1e999}]", "\"score\" is out of range"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": 1, \"score\": 2}]", "appears twice"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": 1, \"bbox_std\": [1,1,0,1]}]", "\"bbox_std\" must be positive"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": NaN}]", "not valid JSON"),
        ("[{\"image_id\": 1,}]", "not valid JSON"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": 1}", "not valid JSON"),
        ("[] x", "unexpected data after the array"),
        ("[\"\\q\"]", "invalid escape"),
        (String(repeating: "[", count: 100_000), "nested deeper"),
    ])
    func badInputIsNamed(text: String, message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("expected an error for \(text.prefix(60))")
        } catch let e as COCOResultsError {
            #expect(e.description.hasPrefix("in.json: "))
            #expect(e.description.contains(message), "\(e)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// JSON text is UTF-8: invalid bytes, or a lone surrogate in a `\\u` escape, would be read as U+FFFD, so two
    /// different image ids could silently become one. They are refused, naming the file and the place.
    @Test func invalidUTF8AndLoneSurrogatesAreRefused() throws {
        func results(_ ids: [[UInt8]]) throws -> COCOResults {
            var text = Array("[".utf8)
            for (k, id) in ids.enumerated() {
                text += Array((k == 0 ? "" : ",\n").utf8) + Array(#"{"image_id": ""#.utf8) + id
                text += Array(#"", "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}"#.utf8)
            }
            return try COCOResults(data: Data(text + Array("]".utf8)), source: "in.json")
        }
        let invalid: [([UInt8], String)] = [
            ([0xFF], "invalid UTF-8"), ([0xC0, 0x80], "invalid UTF-8"), ([0xED, 0xA0, 0x80], "invalid UTF-8"),
            ([0xF4, 0x90, 0x80, 0x80], "invalid UTF-8"), ([0xE2, 0x82], "invalid UTF-8"), ([0x80], "invalid UTF-8"),
            (Array(#"\ud800"#.utf8), "unpaired surrogate"), (Array(#"\udc00x"#.utf8), "unpaired surrogate"),
            (Array(#"\ud800\u0041"#.utf8), "unpaired surrogate"),
        ]
        for (id, message) in invalid {
            let error = #expect(throws: COCOResultsError.self) { try results([Array("a".utf8), id]) }
            #expect(error?.description.hasPrefix("in.json: not valid JSON at line 2") == true, "\(String(describing: error))")
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        }
        // Well-formed text is read, escaped or not: é twice is one image, the emoji twice another.
        let r = try results([Array("é".utf8), Array(#"\u00e9"#.utf8), Array("😀".utf8), Array(#"\ud83d\ude00"#.utf8), [0xF4, 0x8F, 0xBF, 0xBF]])
        #expect(r.imageIDs == [.text("é"), .text("😀"), .text("\u{10FFFF}")])
        #expect(r.detections.images == [0, 0, 1, 1, 2])
    }

    @Test func secondRecordErrorNamesItsLine() {
        let text = "[\n{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": 1},\n{\"image_id\": 1}\n]"
        #expect(throws: COCOResultsError(source: "in.json", record: 1, line: 3, message: "missing field \"category_id\"")) {
            try Self.parse(text)
        }
    }
}

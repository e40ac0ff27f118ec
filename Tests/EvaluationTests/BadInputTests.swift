import COCO
import Evaluation
import Foundation
import Testing

/// Bad ground truth or detections get an ``EvaluationError`` (or ``COCOResultsError``) naming the file and record.
@Suite struct BadInputTests {
    static let truthText = """
        {"images": [{"id": 1}, {"id": 2}], "categories": [{"id": 3, "name": "c"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 5, 5], "area": 25}]}
        """

    static func groundTruthError(_ text: String) -> String {
        do {
            _ = try COCOGroundTruth(data: Data(text.utf8), source: "gt.json")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static func detectionsError(_ text: String) -> String {
        do {
            let truth = try COCOGroundTruth(data: Data(truthText.utf8), source: "gt.json")
            _ = try EvaluatedDetections(results: COCOResults(data: Data(text.utf8), source: "dt.json"), groundTruth: truth)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func groundTruthProblemsNameTheRecord() {
        #expect(Self.groundTruthError("{\"images\": [") .hasPrefix("gt.json: not valid JSON at line 1"))
        #expect(Self.groundTruthError("[]") == "gt.json: expected a JSON object with \"images\", \"annotations\" and \"categories\"")
        #expect(Self.groundTruthError("{\"categories\": [], \"annotations\": []}") == "gt.json: missing array \"images\"")
        // As pycocotools: no "categories" or "annotations" means none.
        #expect(Self.groundTruthError("{\"images\": [], \"categories\": []}") == "no error")
        let text = Self.truthText.replacingOccurrences(of: "\"bbox\": [0, 0, 5, 5]", with: "\"bbox\": [0, \"0\", 5, 5]")
        #expect(Self.groundTruthError(text) == "gt.json: annotations[0] (line 2): field \"bbox\" must be a number, found string")
        let unknown = Self.truthText.replacingOccurrences(of: "\"image_id\": 1", with: "\"image_id\": 7")
        #expect(Self.groundTruthError(unknown) == "gt.json: annotations[0] (line 2): image_id 7 is not among the images")
        let twice = Self.truthText.replacingOccurrences(of: "{\"id\": 2}", with: "{\"id\": 1}")
        #expect(Self.groundTruthError(twice) == "gt.json: images[1] (line 1): image id 1 appears twice")
        // Found by FuzzCOCOGroundTruth: finite sides whose product overflows gave an infinite area.
        let huge = Self.truthText.replacingOccurrences(of: "\"bbox\": [0, 0, 5, 5]", with: "\"bbox\": [0, 0, 1e300, 1e300]").replacingOccurrences(of: ", \"area\": 25", with: "")
        #expect(Self.groundTruthError(huge) == "gt.json: annotations[0] (line 2): no \"area\", and the bbox's w·h = 1e+300·1e+300 overflows")
    }

    @Test func detectionProblemsNameTheRecord() {
        #expect(Self.detectionsError("[{\"image_id\": 9, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}]")
            == "dt.json: record 0: image_id 9 is not among the ground truth's images (gt.json)")
        #expect(Self.detectionsError("""
            [{"image_id": 1, "category_id": 3, "bbox": [0, 0, 1, 1], "score": 0.5},
             {"image_id": 2, "category_id": 4, "bbox": [0, 0, 1, 1], "score": 0.5}]
            """) == "dt.json: record 1: category_id 4 is not among the ground truth's categories (gt.json)")
        #expect(Self.detectionsError("[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [0, 0, 1, 1], \"score\": \"high\"}]")
            .contains("record 0"))
        #expect(Self.detectionsError("[{\"image_id\": 1,").hasPrefix("dt.json: not valid JSON"))
    }
}

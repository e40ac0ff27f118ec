import DetectKitTestSupport
import Foundation
import Testing

/// `detectkit eval` end to end.
@Suite struct EvalCommandTests {
    static let truth = """
        {"images": [{"id": 1, "file_name": "a.png"}], "categories": [{"id": 1, "name": "a"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [100, 100, 20, 20], "area": 400, "iscrowd": 0},
                         {"id": 2, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0}]}
        """
    static let results = """
        [{"image_id": 1, "category_id": 1, "bbox": [100, 100, 20, 20], "score": 0.9},
         {"image_id": 1, "category_id": 1, "bbox": [300, 300, 10, 10], "score": 0.8},
         {"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 6], "score": 0.7}]
        """

    @Test func printsTheTwelveStatisticsAsJSON() throws {
        let gt = try TemporaryFile(Self.truth), dt = try TemporaryFile(Self.results)
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Double])
        #expect(Set(json.keys) == ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"])
        #expect(abs(json["AP50"]! - (51 + 50 * (2.0 / 3)) / 101) < 1e-12)
        #expect(json["AR1"] == 0.5)
        #expect(json["APl"] == -1)
    }

    @Test func printsPycocotoolsSummaryLines() throws {
        let gt = try TemporaryFile(Self.truth), dt = try TemporaryFile(Self.results)
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines[1] == " Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.835")
        #expect(lines[6] == " Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.500")
    }

    @Test func unknownImageIsNamed() throws {
        let gt = try TemporaryFile(Self.truth)
        let dt = try TemporaryFile(#"[{"image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]"#)
        let r = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("record 0: image_id 5 is not among the ground truth's images"))
    }
}

import DetectKit
import Foundation
import Testing

/// Oriented records (`rbox`) through `eval`, `compare` and `annotate`, as a user runs them.
@Suite struct OrientedRecordsCommandTests {
    /// Two long thin objects crossing at the same centre (their enclosing boxes are almost the same square).
    static let truth = """
        {"images": [{"id": 1, "file_name": "000001.png", "width": 120, "height": 90}], "categories": [{"id": 1, "name": "bar"}],
         "annotations": [
          {"id": 1, "image_id": 1, "category_id": 1, "rbox": [60, 45, 80, 8, 0.7854], "iscrowd": 0},
          {"id": 2, "image_id": 1, "category_id": 1, "rbox": [60, 45, 80, 8, -0.7854], "iscrowd": 0}]}
        """
    /// A detection on each bar, and a near-copy of the first (a duplicate that suppression should remove).
    static let results = """
        [{"image_id": 1, "category_id": 1, "rbox": [60, 45, 78, 8, 0.78], "score": 0.9},
         {"image_id": 1, "category_id": 1, "rbox": [61, 45, 78, 8, 0.79], "score": 0.8},
         {"image_id": 1, "category_id": 1, "rbox": [60, 46, 79, 9, -0.78], "score": 0.7}]
        """

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Matched by rectangle IoU at 0.5, both bars are found and the duplicate between them is a false positive:
    /// precision 1 up to recall 0.5, then 2/3, so AP50 = (51 + 50 · 2/3) / 101. With `--axis-aligned` the enclosing
    /// boxes (two near-identical squares) are matched instead, and AP changes.
    @Test func evalMatchesRectangles() throws {
        let gt = try TemporaryFile(Self.truth), dt = try TemporaryFile(Self.results)
        let oriented = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--json", "--tide", "--curves"])
        #expect(oriented.status == 0, "\(oriented.stderr)")
        let stats = try Self.json(oriented.stdout)
        #expect(abs((stats["AP50"] as? Double ?? 0) - (51 + 50 * 2 / 3.0) / 101) < 1e-12, "\(stats)")
        let axis = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--json", "--axis-aligned"])
        let axisAP = try Self.json(axis.stdout)["AP"] as? Double
        #expect(axis.status == 0 && axisAP != stats["AP"] as? Double)
        let matrix = try Detectkit.run(["eval", "--ground-truth", gt.path, dt.path, "--confusion-matrix"])
        #expect(matrix.status != 0 && matrix.stderr.contains("the detections are oriented"), "\(matrix.stderr)")
        let axisTruth = try TemporaryFile(Self.truth.replacingOccurrences(of: #""rbox": [60, 45, 80, 8, -0.7854]"#, with: #""bbox": [20, 5, 80, 80]"#))
        let missing = try Detectkit.run(["eval", "--ground-truth", axisTruth.path, dt.path])
        #expect(missing.status != 0 && missing.stderr.contains("annotations[1]") && missing.stderr.contains("has no \"rbox\""), "\(missing.stderr)")
    }

    /// `compare` runs, by default, every method that takes oriented boxes, and greedy NMS removes the duplicate.
    @Test func compareRanksTheOrientedMethods() throws {
        let gt = try TemporaryFile(Self.truth), dt = try TemporaryFile(Self.results)
        let r = try Detectkit.run(["compare", "--ground-truth", gt.path, dt.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let names = Set(rows.compactMap { $0["method"] as? String })
        #expect(names.contains("nms") && names.contains("wbf") && names.contains("greedy-nmm") && !names.contains("softer") && !names.contains("diou"))
        let nms = try #require(rows.first { $0["method"] as? String == "nms" })
        #expect(nms["kept"] as? Int == 2 && nms["AP50"] as? Double == 1, "\(nms)")
        let softer = try Detectkit.run(["compare", "--ground-truth", gt.path, dt.path, "--methods", "softer"])
        #expect(softer.status != 0 && softer.stderr.contains("does not take oriented boxes"), "\(softer.stderr)")
    }

    /// `annotate` draws an oriented detection as its rectangle: an edge's midpoint is painted, the corner of the
    /// enclosing box (outside the rectangle) is not.
    @Test func annotateDrawsRectangles() throws {
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = try Image(width: 120, height: 90, channels: 3, pixels: [UInt8](repeating: 255, count: 120 * 90 * 3))
        try image.write(toFile: dir.appendingPathComponent("000001.png").path)
        let dt = try TemporaryFile(#"[{"image_id": 1, "category_id": 1, "rbox": [60, 45, 60, 20, 0.5], "score": 0.9}]"#)
        let out = dir.appendingPathComponent("out").path
        let r = try Detectkit.run(["annotate", dir.appendingPathComponent("000001.png").path, "--detections", dt.path, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let drawn = try Image(contentsOfFile: out + "/000001.png")
        let box = RotatedBox(cx: 60, cy: 45, width: 60, height: 20, angle: 0.5)
        #expect(drawn == image.drawing([Annotation(rotated: box, label: "1 0.90", colorIndex: 1)]))
        let c = box.corners
        func painted(_ p: SIMD2<Float>) -> Bool {
            let o = (Int(p.y) * 120 + Int(p.x)) * 3
            return drawn.pixels[o..<(o + 3)] != [255, 255, 255]
        }
        #expect(painted((c[1] + c[2]) / 2) && painted((c[2] + c[3]) / 2))
        let e = box.enclosingBox
        #expect(!painted(SIMD2(e.x2 - 1, e.y2 - 1)) && !painted(SIMD2(60, 45)))
        // --axis-aligned draws the records' bbox (here, written with an rbox alone, its enclosing box).
        let axis = try Detectkit.run(["annotate", dir.appendingPathComponent("000001.png").path, "--detections", dt.path, "-o", out, "--axis-aligned"])
        #expect(axis.status == 0, "\(axis.stderr)")
        #expect(try Image(contentsOfFile: out + "/000001.png") == image.drawing([Annotation(box: e, label: "1 0.90", colorIndex: 1)]))
        let noRecords = try Detectkit.run(["annotate", dir.appendingPathComponent("000001.png").path, "-o", out, "--axis-aligned"])
        #expect(noRecords.status == 64 && noRecords.stderr.contains("--axis-aligned does not apply"), "\(noRecords.stderr)")
    }
}

import DetectKit
import Foundation
import Testing

/// `detectkit dota`: label files to COCO instances (a bad file named with its line, the rest written), evaluated
/// as oriented ground truth, and oriented results back to DOTA's Task 1 files.
@Suite struct DOTACommandTests {
    @Test func labelsToCOCOAndResultsBack() throws {
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let labels = dir.appendingPathComponent("labelTxt"), images = dir.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: labels, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try "imagesource:GoogleEarth\r\ngsd:0.5\r\n10 10 50 10 50 30 10 30 small-vehicle 0\r\n60 60 80 40 90 50 70 70 plane 1\r\n"
            .write(to: labels.appendingPathComponent("P0001.txt"), atomically: true, encoding: .utf8)
        try "10 10 60 10 10 40 60 40 plane 0\n".write(to: labels.appendingPathComponent("P0002.txt"), atomically: true, encoding: .utf8)
        try Image(width: 100, height: 80, channels: 3, pixels: [UInt8](repeating: 9, count: 100 * 80 * 3))
            .write(toFile: images.appendingPathComponent("P0001.png").path)
        let instances = dir.appendingPathComponent("instances.json").path
        let r = try Detectkit.run(["dota", "to-coco", labels.path, "--images", images.path, "-o", instances])
        #expect(r.status == 1 && r.stderr.contains("P0002.txt: line 1: the quadrilateral crosses itself"), "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: instances))) as? [String: Any])
        let imageList = try #require(doc["images"] as? [[String: Any]])
        #expect(imageList.count == 1 && imageList[0]["file_name"] as? String == "P0001.png" && imageList[0]["width"] as? Int == 100)
        let annotations = try #require(doc["annotations"] as? [[String: Any]])
        #expect(annotations.count == 2 && annotations.map { $0["difficult"] as? Int } == [0, 1])
        let first = try #require(annotations[0]["rbox"] as? [Double])
        #expect(first == [30, 20, 40, 20, 0], "\(first)")
        #expect((doc["categories"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["plane", "small-vehicle"])

        // Detections equal to the ground truth's rboxes: AP 1 as oriented boxes.
        let rboxes = annotations.map { ($0["category_id"] as? Int ?? 0, $0["rbox"] as? [Double] ?? []) }
        let results = dir.appendingPathComponent("results.json").path
        let records = rboxes.map { c, b in #"{"image_id": 1, "category_id": \#(c), "rbox": [\#(b.map { "\($0)" }.joined(separator: ", "))], "score": 0.9}"# }
        try ("[" + records.joined(separator: ",\n") + "]").write(toFile: results, atomically: true, encoding: .utf8)
        let eval = try Detectkit.run(["eval", "--ground-truth", instances, results, "--json"])
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Double], "\(eval.stderr)")
        #expect((stats["AP"] ?? 0) > 1 - 1e-12 && stats["AR100"] == 1, "\(stats)")

        // The instances back to label files: the same objects (corners of the same rectangles), difficult kept.
        let relabelled = dir.appendingPathComponent("relabelled").path
        let labelsBack = try Detectkit.run(["dota", "from-coco", instances, "-o", relabelled])
        #expect(labelsBack.status == 0, "\(labelsBack.stderr)")
        let again = try DOTALabels(contentsOf: relabelled + "/P0001.txt")
        #expect(again.objects.map(\.category) == ["small-vehicle", "plane"] && again.objects.map(\.difficult) == [false, true])
        let widths = annotations.map { ($0["rbox"] as? [Double] ?? [])[2] }
        #expect(zip(again.objects.map(\.rbox.width), widths).allSatisfy { abs(Double($0) - $1) < 1e-3 } && again.objects.count == 2)

        let task1 = dir.appendingPathComponent("task1").path
        let back = try Detectkit.run(["dota", "from-coco", results, "--ground-truth", instances, "-o", task1])
        #expect(back.status == 0, "\(back.stderr)")
        let vehicles = try String(contentsOfFile: task1 + "/Task1_small-vehicle.txt", encoding: .utf8)
        let fields = vehicles.split(separator: " ").map(String.init)
        #expect(fields.count == 10 && fields[0] == "P0001" && fields[1] == "0.9", "\(vehicles)")
        let corners = fields[2...].compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(Set(stride(from: 0, to: 8, by: 2).map { "\(Int(corners[$0].rounded())),\(Int(corners[$0 + 1].rounded()))" }) == ["10,10", "50,10", "50,30", "10,30"])
    }
}

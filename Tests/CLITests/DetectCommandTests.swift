import DetectKit
import Foundation
import Testing

/// `detect`, `compare SAMPLES_DIR` and detector-driven `annotate` end to end, with the small detector of the
/// Detector tests (`Tests/DetectorTests/Fixtures/small`, 64×64 input).
@Suite struct DetectCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DetectorTests/Fixtures/small")

    /// The golden 64×64 image written as `dir/images/000001.png`, with ground truth in `dir/annotations.json`.
    static func samples() throws -> URL {
        let dir = try TemporaryFile.directory()
        let images = dir.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let golden = try SafeTensors(contentsOf: fixtures.appendingPathComponent("golden.safetensors").path)
        let raw = try golden.tensor("image")
        try Image(width: 64, height: 64, channels: 3, pixels: raw.scalars.map { UInt8($0) })
            .write(toFile: images.appendingPathComponent("000001.png").path)
        try """
            {"images": [{"id": 1, "file_name": "000001.png", "width": 64, "height": 64}],
             "categories": [{"id": 1, "name": "dot"}, {"id": 2, "name": "bar"}, {"id": 3, "name": "ring"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [4, 4, 20, 20], "area": 400, "iscrowd": 0},
                             {"id": 2, "image_id": 1, "category_id": 2, "bbox": [30, 30, 25, 12], "area": 300, "iscrowd": 0}]}
            """.write(to: dir.appendingPathComponent("annotations.json"), atomically: false, encoding: .utf8)
        return dir
    }

    @Test func detectWritesRawAndSuppressedRecordsWithTheirDeviations() throws {
        let dir = try Self.samples()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("images/000001.png").path
        let raw = try Detectkit.run(["detect", image, "--detector", Self.fixtures.path, "--raw", "--detector-threshold", "0.3"])
        #expect(raw.status == 0, "\(raw.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [[String: Any]])
        let golden = try SafeTensors(contentsOf: Self.fixtures.appendingPathComponent("golden.safetensors").path)
        #expect(records.count == (try golden.tensor("detections.scores")).count)
        #expect(records.allSatisfy { $0["image_id"] as? Int == 1 && ($0["bbox_std"] as? [Double])?.count == 4 })
        let kept = try Detectkit.run(["detect", dir.appendingPathComponent("images").path, "--detector", Self.fixtures.path,
                                      "--detector-threshold", "0.3", "--method", "nms"])
        let keptRecords = try #require(try JSONSerialization.jsonObject(with: Data(kept.stdout.utf8)) as? [[String: Any]])
        #expect(!keptRecords.isEmpty && keptRecords.count < records.count)
        let missing = try Detectkit.run(["detect", "/nonexistent.png", "--detector", Self.fixtures.path])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent.png"))
    }

    /// A bad image among good ones is reported and the others are written; when every image is bad there is
    /// nothing to write, and an existing output stays as it was (it was replaced by an empty array).
    @Test func anExistingOutputSurvivesARunWhereEveryImageFails() throws {
        let dir = try Self.samples()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("images/000001.png").path, bad = dir.appendingPathComponent("bad.png").path
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: bad))
        let output = dir.appendingPathComponent("out.json").path
        try "earlier results\n".write(toFile: output, atomically: false, encoding: .utf8)
        let failed = try Detectkit.run(["detect", bad, "--detector", Self.fixtures.path, "-o", output])
        #expect(failed.status == 1 && failed.stderr.contains("bad.png: not a PNG or JPEG image"), "\(failed.stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "earlier results\n")
        let mixed = try Detectkit.run(["detect", good, bad, "--detector", Self.fixtures.path, "--detector-threshold", "0.3", "-o", output])
        #expect(mixed.status == 1 && mixed.stderr.contains("bad.png"), "\(mixed.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [[String: Any]])
        #expect(!records.isEmpty && records.allSatisfy { $0["image_id"] as? Int == 1 })
    }

    @Test func compareRunsTheDetectorOnASamplesFolder() throws {
        let dir = try Self.samples()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Detectkit.run(["compare", dir.path, "--detector", Self.fixtures.path, "--methods", "nms,soft-gaussian", "--json",
                                   "--report", dir.appendingPathComponent("report").path])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report/grids/0-000001.png").path))
    }

    /// `--slice` runs the detector on tiles: `detect` writes what a tiled `Pipeline` keeps (on two threads as on
    /// one), `--raw` every tile's raw boxes, and `compare SAMPLES_DIR --slice` evaluates exactly what `detect
    /// --slice --method` writes.
    @Test func tiledDetectionIsThePipelinesAndCompareEvaluatesIt() throws {
        let dir = try Self.samples()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("images/000001.png").path, output = dir.appendingPathComponent("tiled.json").path
        let tiling = ["--detector", Self.fixtures.path, "--detector-threshold", "0.3", "--slice", "40", "--overlap", "0.3", "--full-image"]
        let detected = try Detectkit.run(["detect", image, "--method", "nms", "--threads", "2", "-o", output] + tiling)
        #expect(detected.status == 0, "\(detected.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [[String: Any]])
        let pipeline = Pipeline(
            source: .detector(try LargeKernelDetector(directory: Self.fixtures.path), scoreThreshold: 0.3),
            tiling: Tiling(slicer: try Slicer(tileSize: 40, overlapRatio: 0.3), fullImage: true))
        let result = try pipeline.run(Image(contentsOfFile: image), threads: 1)
        #expect(result.regions.count == 5 && !result.kept.scores.isEmpty)  // 2 × 2 tiles and the whole image
        #expect(records.map { Float($0["score"] as? Double ?? -1) } == result.kept.scores)
        let raw = try Detectkit.run(["detect", image, "--raw"] + tiling)
        let rawRecords = try #require(try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [[String: Any]])
        #expect(rawRecords.count == result.raw.count && result.raw.count > records.count)
        let evaluated = try Detectkit.run(["eval", "--ground-truth", dir.appendingPathComponent("annotations.json").path, output, "--json"])
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Double])
        let compared = try Detectkit.run(["compare", dir.path, "--methods", "nms", "--json"] + tiling)
        #expect(compared.status == 0, "\(compared.stderr)")
        let row = try #require((try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [[String: Any]])?.first)
        #expect(row["kept"] as? Int == records.count)
        for key in ["AP", "AP50", "AP75", "AR100"] { #expect(row[key] as? Double == stats[key], "\(key)") }
    }

    /// Tiles so small that an image would make more than `Slicer.maximumTiles` are a named error for that image, not
    /// a run of the detector millions of times; the other images are still written.
    @Test func tooManyTilesIsANamedErrorForThatImage() throws {
        let dir = try Self.samples()
        defer { try? FileManager.default.removeItem(at: dir) }
        let large = dir.appendingPathComponent("large.png").path
        try Image(width: 300, height: 200, fill: [40, 80, 120]).write(toFile: large)
        let r = try Detectkit.run([
            "detect", large, dir.appendingPathComponent("images/000001.png").path, "--detector", Self.fixtures.path,
            "--slice", "2", "--overlap", "0",
        ])
        #expect(r.status == 1 && r.stderr.contains("large.png: ") && r.stderr.contains("into more than 10000 tiles"), "\(r.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(records.allSatisfy { $0["image_id"] as? Int == 1 })
    }

    @Test func annotateWithoutDetectionsRunsTheDetector() throws {
        let dir = try Self.samples()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let r = try Detectkit.run(["annotate", dir.appendingPathComponent("images").path, "--detector", Self.fixtures.path,
                                   "--detector-threshold", "0.3", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let drawn = try Image(contentsOfFile: out + "/000001.png")
        let source = try Image(contentsOfFile: dir.appendingPathComponent("images/000001.png").path)
        #expect(drawn.pixels != source.pixels)
    }
}

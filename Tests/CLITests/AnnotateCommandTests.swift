import DetectKit
import Foundation
import Testing

/// `detectkit annotate` end to end on real PNG and JPEG files.
@Suite struct AnnotateCommandTests {
    /// A folder with an RGB PNG named by a numeric id, a gray+alpha PNG, an RGB JPEG and a corrupt file.
    static func inputs() throws -> URL {
        let dir = try TemporaryFile.directory()
        var rgb: [UInt8] = []
        for y in 0..<90 { for x in 0..<120 { rgb += [UInt8(x * 2), UInt8(y * 2), 128] } }
        let image = try Image(width: 120, height: 90, channels: 3, pixels: rgb)
        try image.write(toFile: dir.appendingPathComponent("000042.png").path)
        try image.converted(toChannels: 2).write(toFile: dir.appendingPathComponent("la.png").path)
        try image.write(toFile: dir.appendingPathComponent("photo.jpg").path, .jpeg(quality: 92))
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: dir.appendingPathComponent("broken.png"))
        return dir
    }

    static let detections = """
        [{"image_id": 42, "category_id": 3, "bbox": [10, 10, 60, 40], "score": 0.9},
         {"image_id": 42, "category_id": 3, "bbox": [12, 11, 60, 40], "score": 0.8},
         {"image_id": "photo", "category_id": 1, "bbox": [50, 30, 40, 40], "score": 0.75}]
        """

    @Test func drawsEachImagesDetectionsAndKeepsGoingPastABadFile() throws {
        let dir = try Self.inputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = try TemporaryFile(Self.detections)
        let out = dir.appendingPathComponent("out").path
        let r = try Detectkit.run(["annotate", dir.path, "--detections", results.path, "-o", out, "--method", "nms"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("broken.png") && r.stderr.contains("cannot decode"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["000042.png", "la.png", "photo.png"])

        // 000042.png: NMS keeps the 0.9 box only; the label names the category id.
        let source = try Image(contentsOfFile: dir.appendingPathComponent("000042.png").path)
        let expected = source.drawing([Annotation(box: Box(x1: 10, y1: 10, x2: 70, y2: 50), label: "3 0.90", colorIndex: 3)])
        #expect(try Image(contentsOfFile: out + "/000042.png") == expected)

        // An image without detections comes out as decoded, channels kept (gray + alpha stays 2 channels).
        let la = try Image(contentsOfFile: out + "/la.png")
        #expect(la.channels == 2)
        #expect(la == (try Image(contentsOfFile: dir.appendingPathComponent("la.png").path)))
    }

    /// Only boxes scoring above `--conf` (default 0.25) are drawn, and the summary counts the others.
    @Test func boxesAtOrBelowTheConfidenceAreLeftOutAndCounted() throws {
        let dir = try Self.inputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("000042.png").path
        let results = try TemporaryFile("""
            [{"image_id": 42, "category_id": 3, "bbox": [10, 10, 60, 40], "score": 0.9},
             {"image_id": 42, "category_id": 1, "bbox": [70, 50, 30, 30], "score": 0.25},
             {"image_id": 42, "category_id": 2, "bbox": [5, 60, 20, 20], "score": 0.1}]
            """)
        let out = dir.appendingPathComponent("out").path
        let source = try Image(contentsOfFile: image)
        let strong = Annotation(box: Box(x1: 10, y1: 10, x2: 70, y2: 50), label: "3 0.90", colorIndex: 3)
        let r = try Detectkit.run(["annotate", image, "--detections", results.path, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.hasSuffix("annotate: 1 image, 1 box drawn, 2 scoring 0.25 or less not drawn (--conf)\n"), "\(r.stderr)")
        #expect(try Image(contentsOfFile: out + "/000042.png") == source.drawing([strong]))
        let all = try Detectkit.run(["annotate", image, "--detections", results.path, "-o", out, "--conf", "0.05"])
        #expect(all.stderr.hasSuffix("annotate: 1 image, 3 boxes drawn, 0 scoring 0.05 or less not drawn (--conf)\n"), "\(all.stderr)")
        #expect(try Image(contentsOfFile: out + "/000042.png") == source.drawing([
            strong, Annotation(box: Box(x1: 70, y1: 50, x2: 100, y2: 80), label: "1 0.25", colorIndex: 1),
            Annotation(box: Box(x1: 5, y1: 60, x2: 25, y2: 80), label: "2 0.10", colorIndex: 2),
        ]))
        let bad = try Detectkit.run(["annotate", image, "--detections", results.path, "-o", out, "--conf", "1.5"])
        #expect(bad.status == 64 && bad.stderr.contains("--conf"), "\(bad.stderr)")
    }

    /// `photo.jpg` and `photo.png` would both become `photo.png`: the second is reported, not written over the first.
    @Test func inputsWithTheSameOutputNameAreReported() throws {
        let dir = try Self.inputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("broken.png"))
        let jpeg = try Image(contentsOfFile: dir.appendingPathComponent("photo.jpg").path)
        try jpeg.write(toFile: dir.appendingPathComponent("photo.png").path)
        let results = try TemporaryFile(Self.detections)
        let out = dir.appendingPathComponent("out").path
        let r = try Detectkit.run(["annotate", dir.path, "--detections", results.path, "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not annotated: its output \(out)/photo.png is that of"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["000042.png", "la.png", "photo.png"])
    }

    @Test func catalogNamesImagesAndClassesAndJPEGOutput() throws {
        let dir = try Self.inputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("broken.png"))
        let catalog = try TemporaryFile("""
            {"images": [{"id": 7, "file_name": "sub/photo.jpg"}], "categories": [{"id": 1, "name": "cat"}]}
            """)
        let results = try TemporaryFile(#"[{"image_id": 7, "category_id": 1, "bbox": [5, 5, 50, 50], "score": 0.5}]"#)
        let out = dir.appendingPathComponent("out").path
        let r = try Detectkit.run([
            "annotate", dir.appendingPathComponent("photo.jpg").path, "--detections", results.path, "--images",
            catalog.path, "-o", out, "--format", "jpg",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let drawn = try Image(contentsOfFile: out + "/photo.jpg")
        let plain = try Image(contentsOfFile: dir.appendingPathComponent("photo.jpg").path)
        #expect(drawn.width == plain.width && drawn != plain)
        // Along the box's left edge the image changed a lot; far from the box, only by JPEG noise.
        func difference(_ xs: Range<Int>, _ ys: Range<Int>) -> Double {
            var sum = 0, n = 0
            for y in ys {
                for x in xs {
                    for (a, b) in zip(drawn[x: x, y: y], plain[x: x, y: y]) { sum += abs(Int(a) - Int(b)) }
                    n += 3
                }
            }
            return Double(sum) / Double(n)
        }
        #expect(difference(5..<7, 30..<50) > 30)
        #expect(difference(90..<118, 70..<88) < 4)
    }

    /// A single record with a finite but huge coordinate once trapped ("Float value cannot be converted to Int")
    /// and lost the whole batch; it is drawn as a box running off the image, and every image is written.
    @Test func hugeCoordinatesAreDrawnClampedWithoutLosingTheBatch() throws {
        let dir = try Self.inputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("broken.png"))
        let results = try TemporaryFile("""
            [{"image_id": 42, "category_id": 1, "bbox": [0, 0, 1e30, 10], "score": 0.9},
             {"image_id": 42, "category_id": 2, "bbox": [-1e38, -1e38, 3e38, 3e38], "score": 0.8},
             {"image_id": "photo", "category_id": 1, "bbox": [1e38, 1e38, 1e38, 1e38], "score": 0.7}]
            """)
        let out = dir.appendingPathComponent("out").path
        let r = try Detectkit.run(["annotate", dir.path, "--detections", results.path, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["000042.png", "la.png", "photo.png"])
        let source = try Image(contentsOfFile: dir.appendingPathComponent("000042.png").path)
        let expected = source.drawing([
            Annotation(box: Box(x1: 0, y1: 0, x2: 500, y2: 10), label: "1 0.90", colorIndex: 1),
            Annotation(box: Box(x1: -500, y1: -500, x2: 500, y2: 500), label: "2 0.80", colorIndex: 2),
        ])
        #expect(try Image(contentsOfFile: out + "/000042.png") == expected)
    }

    /// An output folder that cannot be made (a file in the way) is named with the reason, not as a Foundation
    /// error domain dump.
    @Test func anOutputFolderThatCannotBeMadeIsNamed() throws {
        let dir = try Self.inputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = try TemporaryFile("[]")
        let blocked = dir.appendingPathComponent("photo.jpg/out").path
        let r = try Detectkit.run(["annotate", dir.appendingPathComponent("000042.png").path, "--detections", results.path, "-o", blocked])
        #expect(r.status == 1)
        #expect(r.stderr == "detectkit: error: \(blocked): cannot create the folder: \(dir.path)/photo.jpg is a file\n", "\(r.stderr)")
    }

    @Test func missingInputsAndBadOptionsFail() throws {
        let results = try TemporaryFile("[]")
        let missing = try Detectkit.run(["annotate", "/nonexistent/x.png", "--detections", results.path])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/x.png"))
        let format = try Detectkit.run(["annotate", "/tmp", "--detections", results.path, "--format", "gif"])
        #expect(format.status != 0)
    }
}

import Foundation
import Testing

/// Options given where they cannot take effect are errors that name them, as README promises: never ignored.
@Suite struct InapplicableOptionsTests {
    static let detector = DetectCommandTests.fixtures.path

    @Test(arguments: [
        (["detect", "x.png", "--raw", "--method", "soft-gaussian"], "--method"),
        (["detect", "x.png", "--raw", "--iou", "0.3", "--max-detections", "5"], "--iou, --max-detections"),
        (["detect", "x.png", "--model", "clip"], "--model"),
        (["annotate", "x.png", "--detections", "r.json", "--iou", "0.3"], "--iou"),
        (["annotate", "x.png", "--detections", "r.json", "--class-agnostic"], "--class-agnostic"),
        (["annotate", "x.png", "--detections", "r.json", "--detector", "d"], "--detector"),
        (["annotate", "x.png", "--detections", "r.json", "--detector-threshold", "0.2"], "--detector-threshold"),
        (["annotate", "x.png", "--model", "clip"], "--model"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--detector", "d"], "--detector"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--grid-images", "3"], "--grid-images"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--slice", "512"], "--slice"),
        (["eval", "--ground-truth", "gt.json", "dt.json", "--tide-iou", "0.75"], "--tide-iou"),
        (["eval", "--ground-truth", "gt.json", "dt.json", "--confusion-iou", "0.5"], "--confusion-iou"),
        (["detect", "x.png", "--raw", "--slice", "512", "--merge", "nms"], "--merge"),
        (["detect", "x.png", "--overlap", "0.3", "--full-image"], "--overlap, --full-image"),
        (["annotate", "x.png", "--merge", "nmm"], "--merge"),
        (["annotate", "x.png", "--detections", "r.json", "--slice", "256"], "--slice"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--draw-threshold", "0.5", "--images", "i"], "--images, --draw-threshold"),
    ])
    func areErrorsNamingThem(arguments: [String], named: String) throws {
        let r = try Detectkit.run(arguments)
        #expect(r.status != 0 && r.stderr.contains("\(named) do"), "\(arguments): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// The same options where they do apply are accepted.
    @Test func applyWhereTheyTakeEffect() throws {
        let dir = try DetectCommandTests.samples()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("images/000001.png").path
        let suppressed = try Detectkit.run(["detect", image, "--detector", Self.detector, "--method", "soft-gaussian", "--max-detections", "5"])
        #expect(suppressed.status == 0, "\(suppressed.stderr)")
        let results = try TemporaryFile(#"[{"image_id": 1, "category_id": 1, "bbox": [4, 4, 20, 20], "score": 0.9}]"#)
        let out = dir.appendingPathComponent("out").path
        let annotated = try Detectkit.run(["annotate", image, "--detections", results.path, "--method", "nms", "--iou", "0.3", "-o", out])
        #expect(annotated.status == 0, "\(annotated.stderr)")
    }

    /// `detect --help` shows its text, not the backslashes that continue the source's lines.
    @Test func helpHasNoStrayBackslashes() throws {
        for command in ["suppress", "eval", "compare", "annotate", "detect", "embed"] {
            let r = try Detectkit.run([command, "--help"])
            #expect(r.status == 0 && !r.stdout.contains("\\"), "\(command): \(r.stdout)")
        }
    }
}

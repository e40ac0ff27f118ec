import DetectKit
import Foundation
import Testing

/// `detectkit embed` end to end with a small Hugging Face CLIP folder (the zero-shot fixture of the CLIP tests).
@Suite struct EmbedCommandTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CLIPTests/Fixtures/models/zeroshot").path

    @Test func printsImageAndTextEmbeddings() throws {
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.appendingPathComponent("a.png").path
        try Image(width: 30, height: 20, fill: [200, 30, 30]).write(toFile: png)
        let long = String(repeating: "a very long caption ", count: 40)
        let r = try Detectkit.run(["embed", "--model", Self.model, "--image", png, png, "--text", "red circle", long, "--normalize"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [[Double]]])
        let images = try #require(json["image_embeds"]), texts = try #require(json["text_embeds"])
        #expect(images.count == 2 && texts.count == 2 && images[0].count == 8 && texts[0].count == 8)
        #expect(images[0] == images[1])
        for row in images + texts { #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5) }
        // Without --normalize the features are as the model gives them; only texts: no image rows.
        let raw = try Detectkit.run(["embed", "--model", Self.model, "--text", "red circle"])
        let rawJSON = try #require(try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: [[Double]]])
        #expect(rawJSON["image_embeds"]?.isEmpty == true && rawJSON["text_embeds"]?.count == 1)
        let length = (rawJSON["text_embeds"]![0].reduce(0) { $0 + $1 * $1 }).squareRoot()
        for (a, b) in zip(rawJSON["text_embeds"]![0], texts[0]) { #expect(abs(a / length - b) < 1e-5) }
    }

    @Test func badInputIsNamed() throws {
        let missing = try Detectkit.run(["embed", "--model", "/nonexistent/model", "--text", "x"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/model/config.json: missing"))
        let nothing = try Detectkit.run(["embed", "--model", Self.model])
        #expect(nothing.status != 0 && nothing.stderr.contains("--image IMAGE… or --text TEXT…"))
        let badImage = try Detectkit.run(["embed", "--model", Self.model, "--image", "/nonexistent.png"])
        #expect(badImage.status != 0 && badImage.stderr.contains("/nonexistent.png"))
    }
}

/// `detectkit annotate --labels`: boxes named zero-shot by a CLIP model.
@Suite struct AnnotateLabelsTests {
    @Test func labelsReplaceCategoryNames() throws {
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.appendingPathComponent("7.png").path
        try Image(width: 64, height: 48, fill: [40, 90, 200]).write(toFile: png)
        let results = dir.appendingPathComponent("r.json").path
        try #"[{"image_id": 7, "category_id": 1, "bbox": [4, 4, 30, 30], "score": 0.9}, {"image_id": 7, "category_id": 1, "bbox": [100, 100, 5, 5], "score": 0.8}]"#
            .write(toFile: results, atomically: false, encoding: .utf8)
        let plain = dir.appendingPathComponent("plain").path, named = dir.appendingPathComponent("named").path
        #expect(try Detectkit.run(["annotate", png, "--detections", results, "-o", plain]).status == 0)
        let r = try Detectkit.run([
            "annotate", png, "--detections", results, "-o", named, "--labels", "red circle, blue star,green square",
            "--model", EmbedCommandTests.model,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try Image(contentsOfFile: plain + "/7.png"), b = try Image(contentsOfFile: named + "/7.png")
        #expect(a.width == b.width && a.pixels != b.pixels)
        let bad = try Detectkit.run(["annotate", png, "--detections", results, "-o", named, "--labels", " , ", "--model", EmbedCommandTests.model])
        #expect(bad.status != 0 && bad.stderr.contains("--labels names no label"))
    }
}

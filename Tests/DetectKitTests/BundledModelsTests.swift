import Boxes
import CLIP
import DetectKit
import DetectKitTestSupport
import Detector
import Foundation
import Imaging
import NeuralCore
import Testing

/// The models bundled with DetectKit against PyTorch on a sample scene (`Fixtures/bundled-*`, written by
/// `training/export.py --golden-out` and `training/clip_export.py --golden-out` from the same weights).
@Suite struct BundledModelsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func golden(_ name: String) throws -> SafeTensors {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)/golden", withExtension: "safetensors"))
        return try SafeTensors(contentsOf: url.path)
    }

    static func sample(_ file: String) throws -> Image {
        try Image(contentsOfFile: root.appendingPathComponent("samples/images/\(file)").path)
    }

    /// The bundled detector's raw detections on a sample placed top-left in an input-size square of gray 114 (no
    /// resampling between the two sides) equal the exported network's in PyTorch: boxes, scores, classes and σ, in
    /// the same order.
    @Test func bundledDetectorMatchesPyTorch() throws {
        let folder = try #require(BundledModels.detectorDirectory, "this build bundles no detector")
        let detector = try LargeKernelDetector(directory: folder)
        let s = detector.configuration.inputSize
        let image = try Self.sample("000010.png")
        var x = [Float](repeating: Float(detector.configuration.fill) / 255, count: 3 * s * s)
        for row in 0..<min(s, image.height) {
            for col in 0..<min(s, image.width) {
                for c in 0..<3 { x[c * s * s + row * s + col] = Float(image.pixels[(row * image.width + col) * image.channels + c]) / 255 }
            }
        }
        let golden = try Self.golden("bundled-detector")
        let found = try detector.decode(detector(Tensor(shape: [1, 3, s, s], scalars: x), threads: 2))
        let e = try GoldenDetections(golden).errors(of: found, clampingBoxesTo: Float(s))
        #expect(e.countsMatch && found.count > 5, "\(found.count) detections")
        #expect(e.box < 1e-4)
        #expect(e.score < 1e-5)
        #expect(e.wrongCategories.isEmpty)
        #expect(e.sigma < 1e-4)
    }

    /// The bundled CLIP model labels crops of a sample exactly as transformers' `CLIPModel` does with the same
    /// folder: image and text features, and the template-ensemble probabilities; and the folder fits 10 MB.
    @Test func bundledCLIPMatchesTransformers() throws {
        let folder = try #require(BundledModels.clipDirectory, "this build bundles no CLIP model")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        let bytes = try files.reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? 0)
        }
        #expect(bytes <= 10_000_000, "\(bytes) bytes")
        #expect(!files.contains("vocab.json") && !files.contains("merges.txt"), "the CLIP module carries the tokenizer once")
        let model = try CLIPModel(directory: folder)
        let tokenizer = try CLIPTokenizer.bundled()
        let golden = try Self.golden("bundled-clip")
        let labels = ["red circle", "blue star", "green square", "yellow triangle", "white ring", "black cross",
                      "purple hexagon", "orange ellipse", "gray star", "pink circle"]
        let image = try Self.sample("000010.png")
        let b = try golden.tensor("boxes").scalars
        let crops = try (0..<(b.count / 4)).map { i in
            try #require(image.cropped(to: Box(x1: b[i * 4], y1: b[i * 4 + 1], x2: b[i * 4 + 2], y2: b[i * 4 + 3])))
        }
        let pixels = try CLIPImagePreprocessor(size: model.configuration.imageSize)(crops)
        let imageFeatures = try model.imageFeatures(pixels, threads: 2)
        #expect(worstRelativeError(imageFeatures.scalars, try golden.tensor("image_embeds").scalars) < 1e-4)
        let templates = try #require(try ZeroShotClassifier.templates(in: folder))
        let prompts = try labels.map { try tokenizer.tokenize(templates[0].replacingOccurrences(of: "{}", with: $0), contextLength: model.configuration.contextLength) }
        #expect(worstRelativeError(try model.textFeatures(prompts, threads: 2).scalars, try golden.tensor("text_embeds").scalars) < 1e-4)
        let classifier = try ZeroShotClassifier(model: model, tokenizer: tokenizer, labels: labels, templates: templates)
        let probabilities = try classifier.classify(crops, threads: 2).flatMap(\.probabilities)
        #expect(worstRelativeError(probabilities, try golden.tensor("probabilities").scalars) < 1e-4)
    }
}

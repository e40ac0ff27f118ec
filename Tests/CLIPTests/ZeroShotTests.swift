import CLIP
import Foundation
import Imaging
import NeuralCore
import Testing

/// Zero-shot probabilities against `transformers` (`Fixtures/models/zeroshot`, made by `training/golden_clip.py`):
/// a narrow model with CLIP's full vocabulary, three labels, two templates, two images.
@Suite struct ZeroShotTests {
    @Test func probabilitiesEqualTransformers() throws {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures/models/zeroshot", withExtension: nil)).path
        let expected = try SafeTensors(contentsOf: dir + "/expected.safetensors")
        let labels = try #require(expected.metadata["labels"]).split(separator: "|").map(String.init)
        let templates = try #require(expected.metadata["templates"]).split(separator: "|").map(String.init)
        let classifier = try ZeroShotClassifier(
            model: CLIPModel(directory: dir), tokenizer: CLIPTokenizer.bundled(), labels: labels, templates: templates)
        let images = try (0..<2).map { i -> Image in
            let raw = try expected.tensor("image_\(i)")
            return try Image(width: raw.shape[1], height: raw.shape[0], channels: 3, pixels: raw.scalars.map { UInt8($0) })
        }
        let predictions = try classifier.classify(images, threads: 2)
        let want = try expected.tensor("probabilities").scalars
        for (i, p) in predictions.enumerated() {
            for j in 0..<3 { #expect(abs(p.probabilities[j] - want[i * 3 + j]) < 1e-4, "image \(i) label \(j)") }
            #expect(p.label == p.probabilities.indices.max { p.probabilities[$0] < p.probabilities[$1] })
            #expect(p.probability == p.probabilities[p.label])
        }
        #expect(predictions.map(\.label) == [1, 0])
    }

    @Test func emptyLabelsAndTemplatesAreRefused() throws {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures/models/zeroshot", withExtension: nil)).path
        let model = try CLIPModel(directory: dir), tokenizer = try CLIPTokenizer.bundled()
        #expect(throws: ModelError.self) { try ZeroShotClassifier(model: model, tokenizer: tokenizer, labels: []) }
        #expect(throws: ModelError.self) { try ZeroShotClassifier(model: model, tokenizer: tokenizer, labels: ["a", " "]) }
        #expect(throws: ModelError.self) { try ZeroShotClassifier(model: model, tokenizer: tokenizer, labels: ["a"], templates: []) }
        #expect(try ZeroShotClassifier(model: model, tokenizer: tokenizer, labels: ["x"]).classify([]).isEmpty)
    }
}

import Foundation
import Imaging
import NeuralCore

/// Zero-shot classification with CLIP (Radford et al. 2021, §3.1.4): each label becomes text prompts through a set
/// of templates (`"a photo of a {}."`, …); their text features, normalised, are averaged per label and normalised
/// again (the paper's prompt ensembling); an image's normalised features are compared with every label by cosine
/// similarity, and `softmax(exp(logit_scale) · cos)` over the labels gives each label's probability.
public struct ZeroShotClassifier: Sendable {
    /// One image's result.
    public struct Prediction: Sendable, Equatable {
        /// Index of the most probable label.
        public var label: Int
        /// Its probability.
        public var probability: Float
        /// Every label's probability, in label order.
        public var probabilities: [Float]
    }

    /// The labels, as given.
    public let labels: [String]
    /// The prompt templates; `{}` stands for the label.
    public let templates: [String]
    let model: CLIPModel
    let preprocessor: CLIPImagePreprocessor
    /// `[labels, projection]`, rows of unit length.
    let labelEmbeddings: Tensor

    /// The templates used when a model folder does not name its own: a few of the CLIP paper's.
    public static let defaultTemplates = [
        "a photo of a {}.", "a photo of the {}.", "a picture of a {}.", "an image of a {}.", "a close-up photo of a {}.",
        "a rendering of a {}.", "a drawing of a {}.",
    ]

    /// The templates listed in `directory/templates.json` (a JSON array of strings), if that file exists.
    public static func templates(in directory: String) throws -> [String]? {
        let path = (directory as NSString).appendingPathComponent("templates.json")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
            let list = try? JSONSerialization.jsonObject(with: data) as? [String], !list.isEmpty,
            list.allSatisfy({ $0.contains("{}") })
        else { throw ModelError.file(path, "expected a JSON array of templates, each containing {}") }
        return list
    }

    /// A classifier for `labels`, whose prompt embeddings are computed now; throws `ModelError` for an empty or
    /// blank label list or a prompt longer than the context length.
    public init(
        model: CLIPModel, tokenizer: CLIPTokenizer, labels: [String], templates: [String] = defaultTemplates, threads: Int = 1
    ) throws {
        let cleaned = labels.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard !cleaned.isEmpty, cleaned.allSatisfy({ !$0.isEmpty }) else { throw ModelError.input("labels must not be empty") }
        guard !templates.isEmpty else { throw ModelError.input("no prompt templates") }
        self.labels = cleaned
        self.templates = templates
        self.model = model
        preprocessor = CLIPImagePreprocessor(size: model.configuration.imageSize)
        let d = model.configuration.projectionSize
        var rows = [Float](repeating: 0, count: cleaned.count * d)
        for (i, label) in cleaned.enumerated() {
            let prompts = try templates.map {
                try tokenizer.tokenize($0.replacingOccurrences(of: "{}", with: label), contextLength: model.configuration.contextLength)
            }
            let features = try model.textFeatures(prompts, threads: threads).rowsNormalized()
            var mean = [Double](repeating: 0, count: d)
            for t in 0..<prompts.count { for c in 0..<d { mean[c] += Double(features.scalars[t * d + c]) } }
            let length = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for c in 0..<d { rows[i * d + c] = Float(length > 0 ? mean[c] / length : 0) }
        }
        labelEmbeddings = try Tensor(shape: [cleaned.count, d], scalars: rows)
    }

    /// The most probable label of each image (boxes cropped from a picture, typically).
    public func classify(_ images: [Image], threads: Int = 1) throws -> [Prediction] {
        guard !images.isEmpty else { return [] }
        let features = try model.imageFeatures(preprocessor(images), threads: threads).rowsNormalized()
        let d = model.configuration.projectionSize, k = labels.count, scale = Double(exp(model.logitScale))
        return (0..<images.count).map { i in
            var logits = [Double](repeating: 0, count: k)
            for j in 0..<k {
                var dot = 0.0
                for c in 0..<d { dot += Double(features.scalars[i * d + c]) * Double(labelEmbeddings.scalars[j * d + c]) }
                logits[j] = scale * dot
            }
            let top = logits.max() ?? 0
            let e = logits.map { Foundation.exp($0 - top) }, total = e.reduce(0, +)
            let p = e.map { Float($0 / total) }
            let best = p.indices.max { p[$0] < p[$1] } ?? 0
            return Prediction(label: best, probability: p[best], probabilities: p)
        }
    }
}

import Foundation
import NeuralCore

/// A CLIP model (Radford et al., "Learning Transferable Visual Models From Natural Language Supervision", 2021)
/// in Hugging Face's `CLIPModel` layout: a vision transformer and a causal text transformer whose pooled outputs
/// are projected (no bias) into a shared space, where the cosine similarity of an image and a text, times
/// `exp(logit_scale)`, is their logit.
///
/// ``imageFeatures(_:threads:)`` and `textFeatures(_:)` equal `transformers`' `get_image_features` and
/// `get_text_features` (to 1e-4 on the committed fixtures). Loading a directory reads `config.json` and
/// `model.safetensors` (F32, F16 or BF16); any other tensors in the file (such as `position_ids`) are ignored.
public struct CLIPModel: Sendable {
    /// The shape of the model.
    public let configuration: CLIPConfiguration
    let vision: CLIPVisionTower
    let text: CLIPTextTower
    let visualProjection: Linear, textProjection: Linear
    /// `logit_scale` (the log of the similarity temperature's inverse; CLIP's is log 100 after training), a value
    /// whose `exp` is a finite `Float`.
    public let logitScale: Float

    /// Loads `directory/config.json` and `directory/model.safetensors`; throws `ModelError` naming the file
    /// or the tensor at fault.
    public init(directory: String) throws {
        let configuration = try CLIPConfiguration(contentsOf: (directory as NSString).appendingPathComponent("config.json"))
        try self.init(configuration: configuration, weights: ModelFiles.weights((directory as NSString).appendingPathComponent("model.safetensors")))
    }

    /// A model from a configuration and its weights.
    public init(configuration c: CLIPConfiguration, weights file: SafeTensors) throws {
        try self.init(configuration: c, weights: WeightReader(file: file))
    }

    /// A model from a configuration and a reader of its weights.
    init(configuration c: CLIPConfiguration, weights w: WeightReader) throws {
        configuration = c
        let file = w.file
        vision = try CLIPVisionTower(w, configuration: c)
        text = try CLIPTextTower(w, configuration: c)
        visualProjection = try w.linear("visual_projection", in: c.vision.hiddenSize, out: c.projectionSize, bias: false)
        textProjection = try w.linear("text_projection", in: c.text.hiddenSize, out: c.projectionSize, bias: false)
        if let entry = file.entry("logit_scale") {
            let value = try w.tensor("logit_scale", entry.shape).scalars.first ?? 0
            // exp(logit_scale) multiplies every similarity: an infinite one made every probability NaN.
            guard value.isFinite, Foundation.exp(value).isFinite else {
                throw ModelError.tensor("logit_scale", "\(value) in \(file.source): exp of it must be a finite Float (at most about 88)")
            }
            logitScale = value
        } else {
            logitScale = Float(log(100.0))
        }
    }

    /// Image features `[N, projection]` (not normalised) for pixel values `[N, 3, S, S]` already preprocessed
    /// (see ``CLIPImagePreprocessor``).
    public func imageFeatures(_ pixels: Tensor, threads: Int = 1) throws -> Tensor {
        try visualProjection(vision(pixels, threads: threads), threads: threads)
    }

    /// Text features `[N, projection]` (not normalised) for token sequences as ``CLIPTokenizer`` makes them
    /// (start token, ids, end token; at most the context length).
    public func textFeatures(_ tokens: [[Int]], threads: Int = 1) throws -> Tensor {
        try textProjection(text(tokens, threads: threads), threads: threads)
    }
}

extension Tensor {
    /// Each row of a `[N, D]` tensor divided by its Euclidean length (rows of zeros stay zero).
    public func rowsNormalized() -> Tensor {
        guard rank == 2 else { return self }
        var out = self
        let d = shape[1]
        for r in 0..<shape[0] {
            var sum = 0.0
            for c in 0..<d { sum += Double(scalars[r * d + c]) * Double(scalars[r * d + c]) }
            let scale = sum > 0 ? 1 / sum.squareRoot() : 0
            for c in 0..<d { out.scalars[r * d + c] = Float(Double(scalars[r * d + c]) * scale) }
        }
        return out
    }
}

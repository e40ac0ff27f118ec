import Foundation
import NeuralCore

/// A CLIP model's shape, read from a Hugging Face `CLIPModel` `config.json` (`text_config`, `vision_config`,
/// `projection_dim`), with `transformers`' defaults for anything the file leaves out, so that real CLIP
/// checkpoints load unchanged.
public struct CLIPConfiguration: Sendable, Equatable {
    /// One tower's transformer.
    public struct Tower: Sendable, Equatable {
        /// Width of the residual stream.
        public var hiddenSize: Int
        /// Width of the MLP's hidden layer.
        public var intermediateSize: Int
        /// Attention heads (`hiddenSize` must divide by it).
        public var heads: Int
        /// Transformer layers.
        public var layers: Int
        /// `quick_gelu` (OpenAI's CLIP), `gelu` or `gelu_pytorch_tanh`.
        public var activation: String
        /// LayerNorm epsilon.
        public var layerNormEpsilon: Float
    }

    /// The text tower.
    public var text: Tower
    /// Token vocabulary size.
    public var vocabularySize: Int
    /// Longest token sequence (77 for CLIP).
    public var contextLength: Int
    /// `eos_token_id` (default 49407); 2, as older checkpoints have it, selects the legacy pooling (the position of
    /// the largest token id), as in `transformers`.
    public var endOfTextTokenID: Int
    /// The vision tower.
    public var vision: Tower
    /// Input side in pixels.
    public var imageSize: Int
    /// Patch side in pixels.
    public var patchSize: Int
    /// Width of the shared embedding space.
    public var projectionSize: Int

    /// The document's fields, each optional: `transformers`' defaults fill in what is absent.
    private struct File: Decodable {
        struct Tower: Decodable {
            var hidden_size: ConfigInteger?, intermediate_size: ConfigInteger?, num_attention_heads: ConfigInteger?
            var num_hidden_layers: ConfigInteger?, hidden_act: String?, layer_norm_eps: Double?
            var vocab_size: ConfigInteger?, max_position_embeddings: ConfigInteger?, eos_token_id: ConfigInteger?
            var image_size: ConfigInteger?, patch_size: ConfigInteger?
        }
        var text_config: Tower?, vision_config: Tower?, projection_dim: ConfigInteger?
    }

    /// Reads `config.json`; throws `ModelError` naming the file and the field at fault.
    public init(contentsOf path: String) throws {
        try self.init(data: ModelFiles.data(path), source: path)
    }

    /// Reads a `config.json` document; `source` names it in errors.
    public init(data: Data, source: String) throws {
        let f = try ModelFiles.decode(File.self, from: data, source: source)
        let t = f.text_config ?? File.Tower(), v = f.vision_config ?? File.Tower()
        text = Tower(
            hiddenSize: t.hidden_size?.value ?? 512, intermediateSize: t.intermediate_size?.value ?? 2048, heads: t.num_attention_heads?.value ?? 8,
            layers: t.num_hidden_layers?.value ?? 12, activation: t.hidden_act ?? "quick_gelu", layerNormEpsilon: Float(t.layer_norm_eps ?? 1e-5))
        vocabularySize = t.vocab_size?.value ?? 49408
        contextLength = t.max_position_embeddings?.value ?? 77
        endOfTextTokenID = t.eos_token_id?.value ?? 49407
        vision = Tower(
            hiddenSize: v.hidden_size?.value ?? 768, intermediateSize: v.intermediate_size?.value ?? 3072, heads: v.num_attention_heads?.value ?? 12,
            layers: v.num_hidden_layers?.value ?? 12, activation: v.hidden_act ?? "quick_gelu", layerNormEpsilon: Float(v.layer_norm_eps ?? 1e-5))
        imageSize = v.image_size?.value ?? 224
        patchSize = v.patch_size?.value ?? 32
        projectionSize = f.projection_dim?.value ?? 512
        try validate(source)
    }

    /// Checks that the numbers fit together.
    private func validate(_ source: String) throws {
        for (name, tower) in [("text_config", text), ("vision_config", vision)] {
            guard tower.hiddenSize > 0, tower.intermediateSize > 0, tower.heads > 0, tower.layers >= 0,
                tower.hiddenSize % tower.heads == 0
            else {
                throw ModelError.file(source, "\(name): hidden_size \(tower.hiddenSize) must be a positive multiple of num_attention_heads \(tower.heads)")
            }
            guard tower.layerNormEpsilon.isFinite, tower.layerNormEpsilon > 0 else {
                throw ModelError.file(source, "\(name): layer_norm_eps \(tower.layerNormEpsilon) must be positive and finite (as a Float)")
            }
            guard Activation(clipName: tower.activation) != nil else {
                throw ModelError.file(source, "\(name): hidden_act \"\(tower.activation)\" is not one of quick_gelu, gelu, gelu_pytorch_tanh, gelu_new, relu, silu")
            }
        }
        guard vocabularySize > 0, contextLength > 1, projectionSize > 0 else {
            throw ModelError.file(source, "vocab_size, max_position_embeddings and projection_dim must be positive")
        }
        // An image_size × image_size crop is an image: no larger than the decoders' pixel budget.
        guard patchSize > 0, imageSize >= patchSize, imageSize % patchSize == 0, imageSize <= 16384 else {
            throw ModelError.file(
                source, "vision_config: image_size \(imageSize) must be a multiple of patch_size \(patchSize), at most 16384")
        }
    }
}

extension Activation {
    /// The activation a `transformers` config names in `hidden_act`.
    public init?(clipName: String) {
        switch clipName {
        case "quick_gelu": self = .quickGELU
        case "gelu": self = .gelu
        case "gelu_pytorch_tanh", "gelu_new": self = .geluTanh
        case "relu": self = .relu
        case "silu", "swish": self = .silu
        default: return nil
        }
    }
}

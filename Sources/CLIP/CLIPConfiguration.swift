import Foundation
import JSONScanning
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

    /// Reads `config.json`; throws ``CLIPError`` naming the file and the field at fault.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIPError.file(path, "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, source: path)
    }

    /// Reads a `config.json` document; `source` names it in errors.
    public init(data: Data, source: String) throws {
        var scanner = JSONScanner(data)
        let members: [(key: String, value: JSONScanner.Value)]
        do {
            let root = try scanner.value()
            guard root.kind == .object else { throw CLIPError.file(source, "expected a JSON object") }
            members = try scanner.members(root)
        } catch let e as JSONScanner.SyntaxError {
            let (line, column) = scanner.location(e.offset)
            throw CLIPError.file(source, "not valid JSON at line \(line), column \(column): \(e.message)")
        }
        let reader = ConfigReader(scanner: scanner, source: source)
        let top = try reader.object(members, path: "")
        let textFields = try top.child("text_config"), visionFields = try top.child("vision_config")
        text = try Tower(
            hiddenSize: textFields.integer("hidden_size", 512), intermediateSize: textFields.integer("intermediate_size", 2048),
            heads: textFields.integer("num_attention_heads", 8), layers: textFields.integer("num_hidden_layers", 12),
            activation: textFields.text("hidden_act", "quick_gelu"),
            layerNormEpsilon: Float(textFields.number("layer_norm_eps", 1e-5)))
        vocabularySize = try textFields.integer("vocab_size", 49408)
        contextLength = try textFields.integer("max_position_embeddings", 77)
        endOfTextTokenID = try textFields.integer("eos_token_id", 49407)
        vision = try Tower(
            hiddenSize: visionFields.integer("hidden_size", 768), intermediateSize: visionFields.integer("intermediate_size", 3072),
            heads: visionFields.integer("num_attention_heads", 12), layers: visionFields.integer("num_hidden_layers", 12),
            activation: visionFields.text("hidden_act", "quick_gelu"),
            layerNormEpsilon: Float(visionFields.number("layer_norm_eps", 1e-5)))
        imageSize = try visionFields.integer("image_size", 224)
        patchSize = try visionFields.integer("patch_size", 32)
        projectionSize = try top.integer("projection_dim", 512)
        try validate(source)
    }

    /// Checks that the numbers fit together.
    private func validate(_ source: String) throws {
        for (name, tower) in [("text_config", text), ("vision_config", vision)] {
            guard tower.hiddenSize > 0, tower.intermediateSize > 0, tower.heads > 0, tower.layers >= 0,
                tower.hiddenSize % tower.heads == 0
            else {
                throw CLIPError.file(source, "\(name): hidden_size \(tower.hiddenSize) must be a positive multiple of num_attention_heads \(tower.heads)")
            }
            guard tower.layerNormEpsilon.isFinite, tower.layerNormEpsilon > 0 else {
                throw CLIPError.file(source, "\(name): layer_norm_eps \(tower.layerNormEpsilon) must be positive and finite (as a Float)")
            }
            guard Activation(clipName: tower.activation) != nil else {
                throw CLIPError.file(source, "\(name): hidden_act \"\(tower.activation)\" is not one of quick_gelu, gelu, gelu_pytorch_tanh, gelu_new, relu, silu")
            }
        }
        guard vocabularySize > 0, contextLength > 1, projectionSize > 0 else {
            throw CLIPError.file(source, "vocab_size, max_position_embeddings and projection_dim must be positive")
        }
        // An image_size × image_size crop is an image: no larger than the decoders' pixel budget.
        guard patchSize > 0, imageSize >= patchSize, imageSize % patchSize == 0, imageSize <= 16384 else {
            throw CLIPError.file(
                source, "vision_config: image_size \(imageSize) must be a multiple of patch_size \(patchSize), at most 16384")
        }
    }
}

/// Fields of the config file's objects, with defaults.
struct ConfigReader {
    let scanner: JSONScanner
    let source: String

    struct Object {
        let reader: ConfigReader
        let fields: [String: JSONScanner.Value]
        let path: String

        func fail(_ key: String, _ message: String) -> CLIPError {
            CLIPError.file(reader.source, "\(path)\(key): \(message)")
        }

        func child(_ key: String) throws -> Object {
            guard let v = fields[key], v.kind != .null else { return Object(reader: reader, fields: [:], path: "\(path)\(key).") }
            guard v.kind == .object else { throw fail(key, "expected an object") }
            return try reader.object(try reader.scanner.members(v), path: "\(path)\(key).")
        }

        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let v = fields[key], v.kind != .null else { return fallback }
            guard v.kind == .number else { throw fail(key, "expected a number") }
            return reader.scanner.double(v)
        }

        func integer(_ key: String, _ fallback: Int) throws -> Int {
            let d = try number(key, Double(fallback))
            guard d == d.rounded(), abs(d) < 1e9 else { throw fail(key, "expected an integer") }
            return Int(d)
        }

        func text(_ key: String, _ fallback: String) throws -> String {
            guard let v = fields[key], v.kind != .null else { return fallback }
            guard v.kind == .string else { throw fail(key, "expected a string") }
            return try reader.scanner.text(v)
        }
    }

    func object(_ members: [(key: String, value: JSONScanner.Value)], path: String) throws -> Object {
        var fields: [String: JSONScanner.Value] = [:]
        for (k, v) in members { fields[k] = v }
        return Object(reader: self, fields: fields, path: path)
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

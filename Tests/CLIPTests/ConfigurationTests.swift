import CLIP
import Foundation
import NeuralCore
import Testing

/// `config.json` as `transformers` writes it for `CLIPModel`, with its defaults.
@Suite struct ConfigurationTests {
    @Test func readsHuggingFaceConfigsWithDefaults() throws {
        let text = """
            {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 16,
             "text_config": {"hidden_size": 32, "intermediate_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                             "vocab_size": 1000, "max_position_embeddings": 20, "eos_token_id": 999},
             "vision_config": {"hidden_size": 24, "intermediate_size": 48, "num_attention_heads": 3, "num_hidden_layers": 1,
                               "image_size": 32, "patch_size": 8, "hidden_act": "gelu"}}
            """
        let c = try CLIPConfiguration(data: Data(text.utf8), source: "config.json")
        #expect(c.text.hiddenSize == 32 && c.text.heads == 4 && c.text.layers == 2 && c.text.activation == "quick_gelu")
        #expect(c.vocabularySize == 1000 && c.contextLength == 20 && c.endOfTextTokenID == 999)
        #expect(c.vision.hiddenSize == 24 && c.vision.activation == "gelu" && c.imageSize == 32 && c.patchSize == 8)
        #expect(c.projectionSize == 16)
        let defaults = try CLIPConfiguration(data: Data("{}".utf8), source: "config.json")
        #expect(defaults.vision.hiddenSize == 768 && defaults.patchSize == 32 && defaults.imageSize == 224)
        #expect(defaults.text.hiddenSize == 512 && defaults.contextLength == 77 && defaults.vocabularySize == 49408)
    }

    @Test(arguments: [
        (#"{"text_config": {"hidden_size": 30, "num_attention_heads": 4}}"#, "text_config: hidden_size 30 must be a positive multiple"),
        (#"{"vision_config": {"image_size": 30, "patch_size": 8}}"#, "image_size 30 must be a multiple of patch_size 8"),
        (#"{"vision_config": {"hidden_act": "tanh"}}"#, "hidden_act \"tanh\""),
        (#"{"projection_dim": "big"}"#, "projection_dim: expected a number"),
        (#"{"text_config": {"hidden_size": 32.5}}"#, "text_config.hidden_size: expected an integer"),
        (#"{"text_config": "#, "not valid JSON"),
        (#"{"text_config": {"layer_norm_eps": -1}}"#, "text_config: layer_norm_eps -1.0 must be positive and finite"),
        (#"{"vision_config": {"layer_norm_eps": 1e300}}"#, "vision_config: layer_norm_eps inf must be positive and finite"),
        (#"{"vision_config": {"image_size": 999999936, "patch_size": 32}}"#, "image_size 999999936 must be a multiple of patch_size 32, at most 16384"),
        (#"{"text_config": {"eos_token_id": 1e20}}"#, "text_config.eos_token_id: expected an integer"),
        (String(repeating: "[", count: 100_000), "nested deeper"),
    ])
    func badConfigsAreNamed(text: String, message: String) {
        do {
            _ = try CLIPConfiguration(data: Data(text.utf8), source: "m/config.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)".hasPrefix("m/config.json: "), "\(error)")
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    /// A layer count of a billion is not refused by the config, but loading stops at the first layer the weights
    /// lack instead of reserving room for them all (which aborted the process).
    @Test func hugeLayerCountStopsAtTheFirstMissingLayer() throws {
        let source = try #require(Bundle.module.url(forResource: "Fixtures/models/quickgelu", withExtension: nil)).path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clip-layers-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: source + "/model.safetensors", toPath: dir + "/model.safetensors")
        let config = try String(contentsOfFile: source + "/config.json", encoding: .utf8)
            .replacingOccurrences(of: "\"num_hidden_layers\": 2", with: "\"num_hidden_layers\": 999999999")
        try config.write(toFile: dir + "/config.json", atomically: false, encoding: .utf8)
        let error = #expect(throws: ModelError.self) { try CLIPModel(directory: dir) }
        #expect(error?.description.contains("layers.2.") == true && error?.description.contains("missing from \(dir)/model.safetensors") == true,
                "\(String(describing: error))")
    }
}

import CLIP
import DetectKitTestSupport
import Foundation
import NeuralCore
import Testing

/// Image and text features against `transformers`' `CLIPModel.get_image_features` / `get_text_features` on small
/// random models saved with `save_pretrained` (`Fixtures/models`, made by `training/golden_clip.py`).
@Suite struct ModelEquivalenceTests {
    static func folder(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/models/\(name)", withExtension: nil))
        return url.path
    }

    @Test(arguments: ["quickgelu", "gelu"])
    func featuresMatchTransformers(name: String) throws {
        let dir = try Self.folder(name)
        let model = try CLIPModel(directory: dir)
        let expected = try SafeTensors(contentsOf: dir + "/expected.safetensors")
        for threads in [1, 2] {
            let image = try model.imageFeatures(expected.tensor("pixel_values"), threads: threads)
            #expect(worstRelativeError(image.scalars, try expected.tensor("image_embeds").scalars) < 1e-4, "\(name) image")
        }
        var sequences: [[Int]] = []
        for i in 0..<3 {
            let ids = try expected.tensor("input_ids_\(i)").scalars.map { Int($0) }
            sequences.append(ids)
            let one = try model.textFeatures([ids])
            #expect(worstRelativeError(one.scalars, try expected.tensor("text_embeds_\(i)").scalars) < 1e-4, "\(name) text \(i)")
        }
        // A batch of different lengths gives each sequence's own features.
        let batch = try model.textFeatures(sequences)
        let d = model.configuration.projectionSize
        for i in 0..<3 {
            #expect(worstRelativeError(Array(batch.scalars[(i * d)..<((i + 1) * d)]), try expected.tensor("text_embeds_\(i)").scalars) < 1e-4)
        }
    }

    @Test func threadCountDoesNotChangeTheFeatures() throws {
        let dir = try Self.folder("quickgelu")
        let model = try CLIPModel(directory: dir)
        let expected = try SafeTensors(contentsOf: dir + "/expected.safetensors")
        let pixels = try expected.tensor("pixel_values")
        let sequences = try (0..<3).map { i in try expected.tensor("input_ids_\(i)").scalars.map { Int($0) } }
        let (image, text) = (try model.imageFeatures(pixels, threads: 1), try model.textFeatures(sequences, threads: 1))
        for threads in [2, 4] {
            let (severalImage, helpedImage) = try onSeveralThreads { try model.imageFeatures(pixels, threads: threads) }
            let (severalText, helpedText) = try onSeveralThreads { try model.textFeatures(sequences, threads: threads) }
            #expect(helpedImage && helpedText, "no loop ran on a second thread")
            #expect(severalImage == image && severalText == text, "threads \(threads)")
        }
    }

    @Test func badModelsAreNamed() throws {
        let source = try Self.folder("quickgelu")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clip-bad-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func message(_ body: () throws -> Void) -> String {
            do {
                try body()
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(message { _ = try CLIPModel(directory: dir) }.contains("config.json: missing"))
        try FileManager.default.copyItem(atPath: source + "/model.safetensors", toPath: dir + "/model.safetensors")
        // A config wider than the weights: the first tensor that does not fit is named.
        let config = try String(contentsOfFile: source + "/config.json", encoding: .utf8)
            .replacingOccurrences(of: "\"hidden_size\": 32", with: "\"hidden_size\": 64")
        try config.write(toFile: dir + "/config.json", atomically: false, encoding: .utf8)
        #expect(message { _ = try CLIPModel(directory: dir) }.contains("tensor text_model.embeddings.token_embedding.weight: has shape [1000, 32] in \(dir)/model.safetensors, the config needs [1000, 64]"))
        // Inputs the model cannot take.
        let model = try CLIPModel(directory: source)
        #expect(message { _ = try model.textFeatures([Array(repeating: 5, count: 17)]) }.contains("longer than the context length 16"))
        #expect(message { _ = try model.textFeatures([[5, 1000]]) }.contains("token id 1000 is outside the vocabulary"))
        #expect(message { _ = try model.imageFeatures(Tensor(zeros: [1, 3, 30, 30])) }.contains("pixel values must be [N, 3, 32, 32]"))
    }

    /// A `logit_scale` whose `exp` overflows made every zero-shot probability NaN, silently; it is refused, naming
    /// the tensor and the file.
    @Test(arguments: [Float(100), .nan, .infinity])
    func logitScalesThatOverflowAreRefused(value: Float) throws {
        let source = try Self.folder("quickgelu")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clip-scale-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: source + "/config.json", toPath: dir + "/config.json")
        // logit_scale is the first F32 of the data: overwrite its four bytes.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source + "/model.safetensors")))
        let header = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let offset = try #require(try SafeTensors(contentsOf: source + "/model.safetensors").entry("logit_scale")).offsets.lowerBound
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.replaceSubrange((8 + header + offset)..<(12 + header + offset), with: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let error = #expect(throws: ModelError.self) { try CLIPModel(directory: dir) }
        #expect(error?.description.hasPrefix("tensor logit_scale: ") == true && error?.description.contains("\(dir)/model.safetensors") == true,
                "\(String(describing: error))")
    }
}

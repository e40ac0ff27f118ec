import ArgumentParser
import DetectKit
import DetectKitUtilities
import Foundation

/// `detectkit bench clip`: image and text features of a CLIP model on fixed random inputs.
struct CLIPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clip",
        abstract: "Time a CLIP model's image features for N images and text features for N token sequences.")

    @Option(help: "Hugging Face CLIPModel folder (config.json, model.safetensors).")
    var model: String

    @Option(help: "Images and texts per batch.")
    var batch = 1

    @Option(help: "Tokens per text sequence (start and end included).")
    var tokens = 12

    @Option(help: "Threads (default 1).")
    var threads = 1

    @OptionGroup var bench: BenchOptions

    func validate() throws {
        try OptionChecks.whole(batch, "--batch", in: 1...4096)
        try OptionChecks.whole(tokens, "--tokens", in: 2...Int.max)
        try OptionChecks.threads(threads)
    }

    func run() throws {
        try CommandFailure.report {
            let clip = try CLIPModel(directory: model)
            let c = clip.configuration
            try OptionChecks.buffer([batch, 3, c.imageSize, c.imageSize], "--batch \(batch) images of \(c.imageSize)×\(c.imageSize)")
            guard tokens <= c.contextLength else {
                throw ValidationError("--tokens \(tokens): more than the model's context length \(c.contextLength)")
            }
            var rng = SplitMix64(seed: 3)
            let pixels = try Tensor(
                shape: [batch, 3, c.imageSize, c.imageSize],
                scalars: (0..<(batch * 3 * c.imageSize * c.imageSize)).map { _ in Float(rng.unit() * 4 - 2) })
            let eos = c.endOfTextTokenID == 2 ? c.vocabularySize - 1 : c.endOfTextTokenID
            let sequences = (0..<batch).map { _ in
                [0] + (0..<(tokens - 2)).map { _ in Int(rng.next() % UInt64(max(1, c.vocabularySize - 2))) } + [eos]
            }
            let image = try bench.medianMilliseconds(default: 11) { _ = try clip.imageFeatures(pixels, threads: threads) }
            let text = try bench.medianMilliseconds(default: 11) { _ = try clip.textFeatures(sequences, threads: threads) }
            for (name, ms) in [("image", image), ("text", text)] {
                let label = "clip \(name) batch \(batch) t\(threads)"
                bench.report(label, milliseconds: ms, text: "\(label): median \(String(format: "%.3f", ms)) ms")
            }
        }
    }
}

import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit embed`: CLIP image and text features as JSON.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print CLIP image and/or text features as JSON: {\"image_embeds\": [[…]], \"text_embeds\": [[…]]}.",
        discussion: """
            The features are those of transformers' CLIPModel.get_image_features / get_text_features: images go \
            through CLIP's preprocessing (shorter side resized bicubically, centre crop, CLIP mean and std), texts \
            through CLIP's tokenizer (start and end tokens, truncated to the context length). --model loads any \
            Hugging Face CLIP folder (config.json, model.safetensors, and vocab.json + merges.txt, or the bundled \
            tokenizer).
            """
    )

    @OptionGroup var model: CLIPModelFlags

    @Option(name: .long, parsing: .upToNextOption, help: "Images to embed.")
    var image: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Texts to embed.")
    var text: [String] = []

    @Flag(help: "Scale every embedding to unit length.")
    var normalize = false

    @Option(help: "Threads (default: all cores).")
    var threads = OptionChecks.defaultThreads

    func validate() throws {
        guard !image.isEmpty || !text.isEmpty else { throw ValidationError("give --image IMAGE… or --text TEXT… (or both)") }
        try OptionChecks.threads(threads)
    }

    func run() throws {
        try CommandFailure.report {
            // The images first: a file that cannot be read fails before the model is loaded.
            let images = try image.map { try Image(contentsOfFile: $0) }
            let (clip, tokenizer) = try model.load()
            var imageRows: [[Float]] = [], textRows: [[Float]] = []
            if !images.isEmpty {
                let pixels = try CLIPImagePreprocessor(size: clip.configuration.imageSize)(images)
                imageRows = try Self.rows(clip.imageFeatures(pixels, threads: threads), normalize)
            }
            if !text.isEmpty {
                let tokens = try text.map { try tokenizer.tokenize($0, contextLength: clip.configuration.contextLength) }
                textRows = try Self.rows(clip.textFeatures(tokens, threads: threads), normalize)
            }
            func list(_ rows: [[Float]]) -> JSONValue { .array(rows.map { .array($0.map { .float($0) }) }) }
            print(JSONValue.object([("image_embeds", list(imageRows)), ("text_embeds", list(textRows))]).text)
        }
    }

    static func rows(_ t: Tensor, _ normalize: Bool) throws -> [[Float]] {
        let m = normalize ? t.rowsNormalized() : t, d = t.shape[1]
        return (0..<t.shape[0]).map { Array(m.scalars[($0 * d)..<(($0 + 1) * d)]) }
    }
}

/// `--model DIR`: which CLIP model to use.
struct CLIPModelFlags: ParsableArguments {
    @Option(name: .long, help: "Hugging Face CLIP model folder (default: the bundled zero-shot model).")
    var model: String?

    /// `--model` when given.
    var given: [String] { model == nil ? [] : ["--model"] }

    /// The model folder: `--model`, else the bundled model's, if any.
    var folder: String? { model ?? BundledModels.clipDirectory }

    /// The model and its tokenizer (the folder's vocab.json and merges.txt, else CLIP's own).
    func load() throws -> (CLIPModel, CLIPTokenizer) {
        guard let folder else { throw ValidationError("this build has no bundled CLIP model; pass --model DIR") }
        return (try CLIPModel(directory: folder), try CLIPTokenizer.forModel(in: folder))
    }

    /// Names boxes among `--labels` (comma-separated) with this model, its tokenizer and its templates.
    func namer(labels: String) throws -> BoxNamer {
        let list = labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !list.isEmpty else { throw ValidationError("--labels names no label") }
        guard let folder else { throw ValidationError("this build has no bundled CLIP model; pass --model DIR") }
        return try BoxNamer(labels: list, modelDirectory: folder, threads: ProcessInfo.processInfo.activeProcessorCount)
    }
}

import ArgumentParser
import DetectKit
import Foundation

/// Names boxes from `--labels` with CLIP, for `annotate` (and `detect`).
struct ZeroShotNamer: Sendable {
    let classifier: ZeroShotClassifier

    /// A namer for a comma-separated label list, with the model the flags choose (its own templates when its
    /// folder lists them in templates.json).
    init(labels: String, model flags: CLIPModelFlags) throws {
        let list = labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !list.isEmpty else { throw ValidationError("--labels names no label") }
        let (model, tokenizer) = try flags.load()
        let templates = try flags.folder.flatMap { try ZeroShotClassifier.templates(in: $0) } ?? ZeroShotClassifier.defaultTemplates
        classifier = try ZeroShotClassifier(
            model: model, tokenizer: tokenizer, labels: list, templates: templates,
            threads: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The most probable label and its probability for each detection's crop; nil for a box outside the image.
    func name(_ d: Detections, in image: Image) throws -> [(label: String, probability: Float)?] {
        let crops = (0..<d.count).map { image.cropped(to: d.boxes[$0]) }
        let predictions = try classifier.classify(crops.compactMap { $0 })
        var next = 0
        return crops.map { crop in
            guard crop != nil else { return nil }
            defer { next += 1 }
            return (classifier.labels[predictions[next].label], predictions[next].probability)
        }
    }

    /// The annotations with each box's label replaced by its most probable label and that probability
    /// (`"red circle 0.93"`); boxes that fall outside the image keep theirs.
    func relabel(_ annotations: [Annotation], in image: Image) throws -> [Annotation] {
        let crops = annotations.map { image.cropped(to: $0.box) }
        let predictions = try classifier.classify(crops.compactMap { $0 })
        var next = 0, out = annotations
        for i in out.indices where crops[i] != nil {
            let p = predictions[next]
            next += 1
            out[i].label = "\(classifier.labels[p.label]) \(String(format: "%.2f", p.probability))"
            out[i].colorIndex = p.label
        }
        return out
    }
}

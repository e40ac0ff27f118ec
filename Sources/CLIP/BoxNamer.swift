import Boxes
import Foundation
import Imaging

/// Names the boxes of a picture zero-shot: each box is cropped and the crops are classified by a
/// ``ZeroShotClassifier`` among the labels the user typed.
public struct BoxNamer: Sendable {
    /// One box's name.
    public struct Name: Sendable, Equatable {
        /// The most probable label.
        public var label: String
        /// Its position in ``ZeroShotClassifier/labels``.
        public var index: Int
        /// Its probability among the labels.
        public var probability: Float
    }

    /// The classifier the crops go through.
    public let classifier: ZeroShotClassifier

    /// A namer with a ready classifier.
    public init(classifier: ZeroShotClassifier) {
        self.classifier = classifier
    }

    /// A namer for `labels` with the CLIP model in `directory` (Hugging Face layout), its tokenizer
    /// (``CLIPTokenizer/forModel(in:)``) and its prompt templates (`templates.json`, else the default ones).
    public init(labels: [String], modelDirectory directory: String, threads: Int = 1) throws {
        let model = try CLIPModel(directory: directory)
        classifier = try ZeroShotClassifier(
            model: model, tokenizer: CLIPTokenizer.forModel(in: directory), labels: labels,
            templates: ZeroShotClassifier.templates(in: directory) ?? ZeroShotClassifier.defaultTemplates, threads: threads)
    }

    /// The name of each box of `boxes` in `image`; nil for a box with no pixel inside the image.
    public func name(_ boxes: BoxArray, in image: Image, threads: Int = 1) throws -> [Name?] {
        let crops = (0..<boxes.count).map { image.cropped(to: boxes[$0]) }
        var predictions = try classifier.classify(crops.compactMap { $0 }, threads: threads).makeIterator()
        return crops.map { crop in
            guard crop != nil, let p = predictions.next() else { return nil }
            return Name(label: classifier.labels[p.label], index: p.label, probability: p.probability)
        }
    }
}

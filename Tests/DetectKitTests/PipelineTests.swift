import DetectKit
import Foundation
import Testing

/// `Pipeline`: image → raw detections → suppression → names → drawing, from every kind of source, one image or a
/// batch that goes on past a bad file.
@Suite struct PipelineTests {
    static let samples = BundledModelsTests.root.appendingPathComponent("samples")
    static func sample(_ name: String) -> String { samples.appendingPathComponent("images/\(name)").path }

    /// Three lines from an image to named, suppressed, drawn boxes with the bundled models.
    @Test func bundledModelsNameAndDrawTheKeptBoxes() throws {
        let labels = ["red circle", "blue star", "green square"]
        let pipeline = try Pipeline.bundled(labels: labels)
        let result = try pipeline.run(Image(contentsOfFile: Self.sample("000010.png")))
        #expect(result.kept.count > 0 && result.kept.count < result.raw.count)
        #expect(result.names.count == result.kept.count && result.names.allSatisfy { labels.contains($0?.label ?? "") })
        #expect(result.annotations.map(\.label).allSatisfy { label in labels.contains { label.hasPrefix($0 + " ") } })
        #expect(result.drawn().pixels != result.image.pixels)
        // The kept boxes are the suppressor's survivors of the raw ones, by score.
        let kept = try GreedyNMS.nms().apply(to: result.raw)
        #expect(Array(result.kept.boxes) == kept.map(\.box) && result.kept.scores == kept.map(\.score))
    }

    /// A COCO results source picks each image's records by file name; a model source is any closure.
    @Test func resultsAndModelSources() throws {
        let boxes = BoxArray([Box(x1: 10, y1: 10, x2: 60, y2: 60), Box(x1: 12, y1: 11, x2: 61, y2: 60), Box(x1: 100, y1: 100, x2: 150, y2: 140)])
        let detections = try Detections(boxes: boxes, scores: [0.9, 0.8, 0.7], categories: [1, 1, 2])
        let results = try COCOResults(images: [(.number(10), detections), (.text("other.png"), detections)], source: "mine")
        let image = try Image(contentsOfFile: Self.sample("000010.png"))
        let fromFile = try Pipeline(source: .results(results), categoryNames: [1: "one"]).run(image, file: "dir/000010.png")
        #expect(fromFile.raw.count == 3 && fromFile.kept.count == 2)
        #expect(fromFile.annotations.map(\.label) == ["one 0.90", "2 0.70"])
        #expect(try Pipeline(source: .results(results)).run(image, file: "000011.png").raw.count == 0)
        #expect(throws: PipelineError.fileNeeded) { try Pipeline(source: .results(results)).run(image) }
        let model = Pipeline(source: .model { _ in detections }, suppressor: nil)
        #expect(try model.run(image).kept.count == 3)
    }

    /// A batch runs every file, in order, and reports the one that fails without stopping.
    @Test func batchGoesOnPastABadFile() throws {
        let dir = try TemporaryFolder()
        let broken = dir.url.appendingPathComponent("broken.png").path
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: broken))
        let pipeline = Pipeline(source: .model { image in
            try Detections(boxes: BoxArray([Box(x1: 0, y1: 0, x2: Float(image.width), y2: Float(image.height))]), scores: [1])
        })
        let files = [Self.sample("000010.png"), broken, Self.sample("000002.jpg")]
        let outcomes = pipeline.run(files: files, threads: 2) { _, result in result.image.width }
        #expect(outcomes.count == 3)
        #expect((try? outcomes[0].get()) == (try Image(contentsOfFile: files[0])).width)
        #expect((try? outcomes[1].get()) == nil && "\(String(describing: outcomes[1]))".contains("broken.png"))
        #expect((try? outcomes[2].get()) != nil)
    }

    /// `results(for:imagesIn:)` is the detector on every ground-truth image under its id: what `compare
    /// SAMPLES_DIR` evaluates.
    @Test func resultsForAGroundTruth() throws {
        let folder = try #require(BundledModels.detectorDirectory)
        let detector = try LargeKernelDetector(directory: folder)
        let truth = try COCOGroundTruth(contentsOf: Self.samples.appendingPathComponent("annotations.json").path)
        let results = try Pipeline(source: .detector(detector), suppressor: nil)
            .results(for: truth, imagesIn: Self.samples.appendingPathComponent("images").path)
        #expect(results.imageIDs.count == truth.images.count)
        let first = try detector.detect(Image(contentsOfFile: Self.sample(try #require(truth.images[0].fileName))))
        let key = try #require(results.imageIDs.firstIndex(of: truth.images[0].id))
        #expect(results.detections.scores.indices.filter { results.detections.images[$0] == key }.map { results.detections.scores[$0] } == first.scores)
    }
}

/// A fresh temporary folder, removed with its contents when released.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("detectkit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

import Boxes
import DetectKitTestSupport
import Detector
import Foundation
import Imaging
import NeuralCore
import Testing

/// The Swift detector against PyTorch (`Fixtures/small`, made by `training/golden_detector.py`): a small model of
/// the bundled architecture, in deploy form and in training form (merged here), raw outputs and decoded boxes.
@Suite struct DetectorGoldenTests {
    static func folder() throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/small", withExtension: nil)).path
    }

    @Test(arguments: ["detector.safetensors", "training.safetensors"])
    func rawOutputsMatchPyTorch(weights: String) throws {
        let dir = try Self.folder()
        let config = try DetectorConfiguration(contentsOf: dir + "/config.json")
        let detector = try LargeKernelDetector(configuration: config, weights: SafeTensors(contentsOf: dir + "/" + weights))
        let golden = try SafeTensors(contentsOf: dir + "/golden.safetensors")
        for threads in [1, 2] {
            let outputs = try detector(golden.tensor("input"), threads: threads)
            for (level, out) in zip(["p3", "p4"], outputs) {
                #expect(worstRelativeError(out.classes.scalars, try golden.tensor("\(level).cls").scalars) < 1e-4, "\(weights) \(level) cls")
                #expect(worstRelativeError(out.boxes.scalars, try golden.tensor("\(level).box").scalars) < 1e-4, "\(weights) \(level) box")
                #expect(worstRelativeError(out.logVariances.scalars, try golden.tensor("\(level).logvar").scalars) < 1e-4, "\(weights) \(level) logvar")
            }
        }
    }

    @Test func threadCountDoesNotChangeTheOutputs() throws {
        let dir = try Self.folder()
        let detector = try LargeKernelDetector(directory: dir)
        let input = try SafeTensors(contentsOf: dir + "/golden.safetensors").tensor("input")
        let one = try detector(input, threads: 1)
        for threads in [2, 3] {
            let (several, helped) = try onSeveralThreads { try detector(input, threads: threads) }
            #expect(helped, "no loop ran on a second thread")
            for (a, b) in zip(one, several) {
                #expect(a.classes == b.classes && a.boxes == b.boxes && a.logVariances == b.logVariances, "threads \(threads)")
            }
        }
    }

    /// The detector, a golden file of the fixture folder, and the image it holds.
    static func golden(_ file: String, width: Int, height: Int) throws -> (LargeKernelDetector, SafeTensors, Image) {
        let dir = try folder()
        let golden = try SafeTensors(contentsOf: dir + "/" + file)
        let pixels = try golden.tensor("image").scalars.map { UInt8($0) }
        return (try LargeKernelDetector(directory: dir), golden, try Image(width: width, height: height, channels: 3, pixels: pixels))
    }

    @Test func detectionsMatchPyTorchsDecode() throws {
        let (detector, golden, image) = try Self.golden("golden.safetensors", width: 64, height: 64)
        let found = try detector.detect(image, threads: 2)
        let e = try GoldenDetections(golden).errors(of: found, clampingBoxesTo: 64)
        #expect(e.countsMatch && found.count > 20, "\(found.count) detections")
        #expect(e.box < 1e-4)
        #expect(e.score < 1e-5)
        #expect(e.wrongCategories.isEmpty)
        #expect(e.sigma < 1e-4)
    }

    /// An image of another size and aspect (97×41), preprocessed by the Python side exactly as training does
    /// (`train.py`'s letterbox: OpenCV's bilinear resize onto gray 114): the same network input to within one
    /// level, and the same detections mapped back to the image's pixels (to 1e-4).
    @Test func detectionsMatchPyTorchThroughTheLetterbox() throws {
        let (detector, golden, image) = try Self.golden("golden-letterbox.safetensors", width: 97, height: 41)
        let letterbox = try Letterbox(sourceWidth: 97, sourceHeight: 41, targetWidth: 64, targetHeight: 64)
        let boxed = try letterbox.apply(to: image, fill: detector.configuration.fill)
        let input = try golden.tensor("input").scalars
        var planar = [Float](repeating: 0, count: 3 * 64 * 64)
        for i in 0..<(64 * 64) { for c in 0..<3 { planar[c * 64 * 64 + i] = Float(boxed.pixels[i * 3 + c]) / 255 } }
        // DetectKit's bilinear resize equals OpenCV's INTER_LINEAR to within one level (OpenCV rounds its weights
        // to 11 bits): here 620 of the 12,288 input values differ, each by one level.
        let levels = zip(planar, input).map { Int((abs($0 - $1) * 255).rounded()) }
        #expect(levels.max() ?? 0 <= 1, "an input value differs by \(levels.max() ?? 0) levels")
        #expect(levels.count { $0 > 0 } < input.count / 10, "\(levels.count { $0 > 0 }) input values differ")
        let found = try detector.detect(image, threads: 2)
        let e = try GoldenDetections(golden).errors(of: found, clampingBoxesTo: .infinity)
        #expect(e.countsMatch, "\(found.count) detections")
        #expect(e.box < 1e-4)
        #expect(e.score < 1e-5)
        #expect(e.wrongCategories.isEmpty)
        #expect(e.sigma < 1e-4)
    }

    @Test func badWeightsNameTheTensor() throws {
        let dir = try Self.folder()
        let config = try DetectorConfiguration(contentsOf: dir + "/config.json")
        var wider = config
        wider.neckChannels = 24
        let weights = try SafeTensors(contentsOf: dir + "/detector.safetensors")
        #expect(throws: ModelError.tensor("lat3.conv.weight", "has shape [16, 16, 1, 1] in \(dir)/detector.safetensors, the config needs [24, 16, 1, 1]")) {
            try LargeKernelDetector(configuration: wider, weights: weights)
        }
        var deeper = config
        deeper.depths = [2, 1]
        #expect(throws: ModelError.tensor("stage3.1.lk.weight", "missing from \(dir)/detector.safetensors")) {
            try LargeKernelDetector(configuration: deeper, weights: weights)
        }
        #expect(throws: ModelError.self) { try LargeKernelDetector(directory: "/nonexistent") }
    }
}

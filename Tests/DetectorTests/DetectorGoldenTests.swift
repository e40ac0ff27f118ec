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

    @Test func detectionsMatchPyTorchsDecode() throws {
        let dir = try Self.folder()
        let detector = try LargeKernelDetector(directory: dir)
        let golden = try SafeTensors(contentsOf: dir + "/golden.safetensors")
        let raw = try golden.tensor("image")
        let image = try Image(width: 64, height: 64, channels: 3, pixels: raw.scalars.map { UInt8($0) })
        let found = try detector.detect(image, threads: 2)
        let e = try GoldenDetections(golden).errors(of: found, clampingBoxesTo: 64)
        #expect(e.countsMatch && found.count > 20, "\(found.count) detections")
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

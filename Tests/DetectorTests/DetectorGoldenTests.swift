import Boxes
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

    static func worst(_ a: [Float], _ b: [Float]) -> Float {
        a.count == b.count ? zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0 : .infinity
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
                #expect(Self.worst(out.classes.scalars, try golden.tensor("\(level).cls").scalars) < 1e-4, "\(weights) \(level) cls")
                #expect(Self.worst(out.boxes.scalars, try golden.tensor("\(level).box").scalars) < 1e-4, "\(weights) \(level) box")
                #expect(Self.worst(out.logVariances.scalars, try golden.tensor("\(level).logvar").scalars) < 1e-4, "\(weights) \(level) logvar")
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
        let boxes = try golden.tensor("detections.boxes").scalars, scores = try golden.tensor("detections.scores").scalars
        let classes = try golden.tensor("detections.classes").scalars, sigmas = try golden.tensor("detections.sigmas").scalars
        #expect(found.count == scores.count && found.count > 20)
        guard found.count == scores.count else { return }
        for i in 0..<found.count {
            let b = found.boxes[i], want = Array(boxes[(i * 4)..<(i * 4 + 4)]).map { min(max($0, 0), 64) }
            #expect(Self.worst([b.x1, b.y1, b.x2, b.y2], want) < 1e-4, "box \(i)")
            #expect(abs(found.scores[i] - scores[i]) < 1e-5)
            #expect(found.categories[i] == Int(classes[i]) + 1)
            let d = try #require(found.deviations?[i])
            #expect(Self.worst([d.x, d.y, d.z, d.w], Array(sigmas[(i * 4)..<(i * 4 + 4)])) < 1e-4)
        }
    }

    @Test func badWeightsNameTheTensor() throws {
        let dir = try Self.folder()
        let config = try DetectorConfiguration(contentsOf: dir + "/config.json")
        var wider = config
        wider.neckChannels = 24
        let weights = try SafeTensors(contentsOf: dir + "/detector.safetensors")
        #expect(throws: DetectorError.tensor("lat3.conv.weight", "has shape [16, 16, 1, 1], the config needs [24, 16, 1, 1]")) {
            try LargeKernelDetector(configuration: wider, weights: weights)
        }
        var deeper = config
        deeper.depths = [2, 1]
        #expect(throws: DetectorError.tensor("stage3.1.lk.weight", "missing from \(dir)/detector.safetensors")) {
            try LargeKernelDetector(configuration: deeper, weights: weights)
        }
        #expect(throws: DetectorError.self) { try LargeKernelDetector(directory: "/nonexistent") }
    }
}

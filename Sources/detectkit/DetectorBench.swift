import ArgumentParser
import DetectKit
import DetectKitUtilities
import Foundation

/// `detectkit bench detector`: the detector's forward pass on one fixed input.
struct DetectorBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detector", abstract: "Time the detector's network on one S×S input (S from its config).")

    @Option(help: "Detector folder (config.json and weights; default: the bundled detector).")
    var model: String?

    @Option(help: "Threads (default 1).")
    var threads = 1

    @OptionGroup var bench: BenchOptions

    func validate() throws {
        try OptionChecks.threads(threads)
    }

    func run() throws {
        try CommandFailure.report {
            guard let folder = model ?? BundledModels.detectorDirectory else {
                throw ValidationError("this build has no bundled detector; pass --model DIR")
            }
            let detector = try LargeKernelDetector(directory: folder)
            let s = detector.configuration.inputSize
            var rng = SplitMix64(seed: 5)
            let input = try Tensor(shape: [1, 3, s, s], scalars: (0..<(3 * s * s)).map { _ in Float(rng.unit()) })
            let ms = try bench.medianMilliseconds(default: 11) { _ = try detector(input, threads: threads) }
            let name = "detector \(s)x\(s) t\(threads)"
            bench.report(name, milliseconds: ms, text: "\(name): median \(String(format: "%.2f", ms)) ms")
        }
    }
}

import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit bench detector`: the detector's forward pass on one fixed input.
struct DetectorBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detector", abstract: "Time the detector's network on one S×S input (S from its config).")

    @Option(help: "Detector folder (config.json and weights; default: the bundled detector).")
    var model: String?

    @Option(help: "Threads (default 1).")
    var threads = 1

    @Option(help: "Timed samples; the median is reported.")
    var samples = 11

    @Flag(help: "One JSON line: {\"name\",\"median_ms\"}.")
    var json = false

    func validate() throws {
        try OptionChecks.threads(threads)
        try OptionChecks.samples(samples)
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
            let median = try BenchTiming.median(samples: samples) { _ = try detector(input, threads: threads) }
            let name = "detector \(s)x\(s) t\(threads)"
            print(json ? JSONValue.object([("name", .string(name)), ("median_ms", .double(median * 1e3))]).text : "\(name): median \(String(format: "%.2f", median * 1e3)) ms")
        }
    }
}

import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `--detector DIR`: which detector `detect`, `annotate` and `compare DIR` run.
struct DetectorFlags: ParsableArguments {
    @Option(name: .long, help: "Detector folder (config.json and weights from training/export.py; default: the bundled detector).")
    var detector: String?

    @Option(name: .long, help: "Keep raw detections scoring above this (default: the detector's own, 0.05).")
    var detectorThreshold: Float?

    /// The options given on the command line, as typed.
    var given: [String] { InapplicableOptions.given(["--detector": detector != nil, "--detector-threshold": detectorThreshold != nil]) }

    /// Refuses a detector threshold outside [0, 1] (scores are probabilities), naming the option.
    func validate() throws {
        try OptionChecks.unitInterval(detectorThreshold, "--detector-threshold")
    }

    /// The detector these flags name.
    func load() throws -> LargeKernelDetector {
        guard let folder = detector ?? BundledModels.detectorDirectory else {
            throw ValidationError("this build has no bundled detector; pass --detector DIR")
        }
        return try LargeKernelDetector(directory: folder)
    }
}

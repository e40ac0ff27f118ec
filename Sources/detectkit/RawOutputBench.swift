import ArgumentParser
import DetectKit
import Foundation

/// `detectkit bench raw-output`: decoding and suppression of a model's raw output, repeated in one process.
struct RawOutputBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raw-output", abstract: "Time the decoding of a raw model output, as `decode` runs it (reading excluded).")

    @OptionGroup var raw: RawOutputFlags

    @OptionGroup var bench: BenchOptions

    func run() throws {
        try CommandFailure.report {
            let format = raw.rawFormat
            let tensors = try raw.readTensors()
            let settings = try raw.settings()
            var kept = 0
            let ms = try bench.medianMilliseconds(default: 31) { kept = try format.decode(tensors, settings: settings).count }
            let candidates = format.candidateCount(tensors)
            bench.report(
                format.rawValue, milliseconds: ms, fields: [("candidates", .int(candidates)), ("kept", .int(kept))],
                text: "\(format.rawValue): \(candidates) candidates, \(kept) kept, median \(String(format: "%.3f", ms)) ms")
        }
    }
}

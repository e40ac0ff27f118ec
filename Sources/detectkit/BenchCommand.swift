import ArgumentParser
import DetectKit
import Foundation

/// `detectkit bench`: built-in micro-benchmarks, one thread, median of repeated runs.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Built-in micro-benchmarks (one thread; median of repeated runs).",
        subcommands: [IoUBench.self, SuppressBench.self, RotatedNMSBench.self, RotatedIoUBench.self, DecodeBench.self, RawOutputBench.self, ConvBench.self, GEMMBench.self, CLIPBench.self, DetectorBench.self]
    )
}

import ArgumentParser
import DetectKit
import DetectKitUtilities
import Foundation

/// `detectkit bench conv`: a depthwise or dense convolution (stride 1, same padding) on one `[1, C, S, S]` input.
struct ConvBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv", abstract: "Time a convolution (stride 1, same padding, C → C channels) on [1, C, S, S].")

    enum Groups: String, ExpressibleByArgument, CaseIterable {
        case depthwise, dense
    }

    @Option(help: "Channels C.")
    var channels = 64

    @Option(help: "Input side S.")
    var size = 64

    @Option(help: "Kernel side K (odd).")
    var kernel = 31

    @Option(help: "depthwise (groups = C) or dense (groups = 1).")
    var groups: Groups = .depthwise

    @Option(help: "Threads (default 1).")
    var threads = 1

    @OptionGroup var bench: BenchOptions

    func validate() throws {
        try OptionChecks.whole(channels, "--channels", in: 1...Int.max)
        try OptionChecks.whole(size, "--size", in: 1...Int.max)
        guard kernel > 0, kernel % 2 == 1 else { throw ValidationError("--kernel \(kernel): must be odd and positive (same padding)") }
        try OptionChecks.buffer([channels, size, size], "--channels × --size² (the input)")
        try OptionChecks.buffer([channels, groups == .depthwise ? 1 : channels, kernel, kernel], "--channels × --kernel² (the weights)")
        try OptionChecks.threads(threads)
    }

    func run() throws {
        try CommandFailure.report {
            var rng = SplitMix64(seed: 7)
            func random(_ shape: [Int]) throws -> Tensor {
                try Tensor(shape: shape, scalars: (0..<(try Tensor.elementCount(shape))).map { _ in Float(rng.unit()) - 0.5 })
            }
            let depthwise = groups == .depthwise
            let conv = try Conv2D(
                weight: random([channels, depthwise ? 1 : channels, kernel, kernel]), bias: random([channels]),
                parameters: .init(padding: (kernel / 2, kernel / 2), groups: depthwise ? channels : 1))
            let input = try random([1, channels, size, size])
            let ms = try bench.medianMilliseconds(default: 21) { _ = try conv(input, threads: threads) }
            let flops = 2.0 * Double(channels) * Double(size * size) * Double(kernel * kernel) * Double(depthwise ? 1 : channels)
            let name = "\(groups.rawValue) k\(kernel) c\(channels) \(size)x\(size) t\(threads)"
            let gflops = flops / ms / 1e6
            bench.report(
                name, milliseconds: ms, fields: [("gflops", .double(gflops))],
                text: "\(name): median \(String(format: "%.3f", ms)) ms, \(String(format: "%.1f", gflops)) GFLOP/s (\(DepthwiseConv2D.instructionSet))")
        }
    }
}

import ArgumentParser
import DetectKit
import Foundation

/// `detectkit bench`: built-in micro-benchmarks, one thread, median of repeated runs.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Built-in micro-benchmarks (one thread; median of repeated runs).",
        subcommands: [IoUBench.self, SuppressBench.self, DecodeBench.self, ConvBench.self]
    )
}

/// `detectkit bench iou`: one box against many, for each overlap measure.
struct IoUBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iou", abstract: "Overlap of one box against many (IoU, GIoU, DIoU, CIoU).")

    @Option(help: "Boxes in the 'many' set.")
    var count = 4096

    @Option(help: "Timed samples; the median is reported.")
    var samples = 21

    @Flag(help: "One JSON line per result: {\"name\",\"count\",\"median_ms\",\"per_second\"}.")
    var json = false

    func run() throws {
        var rng = SplitMix64(seed: 42)
        var boxes = BoxArray()
        for _ in 0..<count {
            let x = Float(rng.unit() * 600), y = Float(rng.unit() * 400)
            boxes.append(Box(x1: x, y1: y, x2: x + 10 + Float(rng.unit() * 190), y2: y + 10 + Float(rng.unit() * 190)))
        }
        let probe = Box(x1: 250, y1: 150, x2: 350, y2: 260)
        var out = [Float](repeating: 0, count: count)
        for kind in OverlapKind.allCases {
            let inner = max(1, 4_000_000 / max(count, 1))
            var times: [Double] = []
            for _ in 0..<samples {
                let start = ContinuousClock.now
                for _ in 0..<inner { OverlapKernels.overlaps(kind, of: probe, with: boxes, into: &out) }
                let d = ContinuousClock.now - start
                times.append((Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) / Double(inner))
            }
            times.sort()
            let median = times[times.count / 2]
            let perSecond = Double(count) / median
            if json {
                print("{\"name\":\"\(kind.rawValue)\",\"count\":\(count),\"median_ms\":\(median * 1e3),\"per_second\":\(perSecond)}")
            } else {
                print("\(kind.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(count) boxes: "
                    + "\(String(format: "%.4f", median * 1e3)) ms, \(String(format: "%.2f", perSecond / 1e9)) G/s "
                    + "(\(OverlapKernels.instructionSet))")
            }
        }
    }
}

/// `detectkit bench suppress`: one method on a COCO results file, the suppression alone, repeated.
struct SuppressBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress", abstract: "Time a suppression method on a COCO results file (reading excluded).")

    @OptionGroup var suppression: SuppressionFlags

    @Option(help: "Timed samples; the median is reported.")
    var samples = 15

    @Flag(help: "One JSON line: {\"name\",\"count\",\"median_ms\",\"kept\"}.")
    var json = false

    @Argument(help: "COCO results JSON.")
    var input: String

    func run() throws {
        try CommandFailure.report {
            let method = try suppression.suppressionMethod()
            let results = try COCOResults(contentsOf: input)
            let suppressor = method.makeSuppressor()
            var kept = 0
            var times: [Double] = []
            for _ in 0..<max(samples, 1) {
                let start = ContinuousClock.now
                kept = try suppressor.apply(to: results.detections, options: suppression.options).count
                times.append(Self.seconds(ContinuousClock.now - start))
            }
            times.sort()
            let median = times[times.count / 2] * 1e3
            if json {
                print("{\"name\":\"\(method)\",\"count\":\(results.count),\"median_ms\":\(median),\"kept\":\(kept)}")
            } else {
                print("\(method): \(results.count) boxes, \(kept) kept, median \(String(format: "%.3f", median)) ms")
            }
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// `detectkit bench decode`: decoding image files, optionally at a reduced size through JPEG DCT scaling.
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Time decoding image files (the file is read once, before timing).")

    @Option(help: "Decode at the smallest DCT scale still at least this large, WIDTHxHEIGHT (JPEG only).")
    var minimumSize: String?

    @Option(help: "Then resize (area) to exactly WIDTHxHEIGHT, as a thumbnailer would.")
    var resizeTo: String?

    @Option(help: "Timed samples; the median is reported.")
    var samples = 11

    @Flag(help: "One JSON line per file: {\"name\",\"width\",\"height\",\"median_ms\"}.")
    var json = false

    @Argument(help: "PNG or JPEG files.")
    var files: [String]

    func run() throws {
        try CommandFailure.report {
            func size(_ text: String?, _ name: String) throws -> (width: Int, height: Int)? {
                guard let text else { return nil }
                let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
                guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                    throw ValidationError("\(name) must be WIDTHxHEIGHT, e.g. 1000x750")
                }
                return (parts[0], parts[1])
            }
            let minimum = try size(minimumSize, "--minimum-size"), target = try size(resizeTo, "--resize-to")
            for file in files {
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: file))
                } catch {
                    throw ImagingError.io(path: file, message: "cannot read: \(error.localizedDescription)")
                }
                var times: [Double] = []
                var decoded: Image?
                for _ in 0..<max(samples, 1) {
                    let start = ContinuousClock.now
                    var image = try Image(decoding: data, source: file, options: DecodeOptions(minimumSize: minimum))
                    if let target { image = try image.resized(width: target.width, height: target.height, filter: .area) }
                    times.append(SuppressBench.seconds(ContinuousClock.now - start))
                    decoded = image
                }
                times.sort()
                let median = times[times.count / 2] * 1e3
                let (w, h) = (decoded?.width ?? 0, decoded?.height ?? 0)
                if json {
                    print("{\"name\":\"\(file)\",\"width\":\(w),\"height\":\(h),\"median_ms\":\(median)}")
                } else {
                    print("\(file): \(w)x\(h), median \(String(format: "%.3f", median)) ms")
                }
            }
        }
    }
}

/// `detectkit bench conv`: a depthwise convolution on one `[1, C, S, S]` input.
struct ConvBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv", abstract: "Time a depthwise convolution (stride 1, same padding) on [1, C, S, S].")

    @Option(help: "Channels C.")
    var channels = 64

    @Option(help: "Input side S.")
    var size = 64

    @Option(help: "Kernel side K (odd).")
    var kernel = 31

    @Option(help: "Threads (default 1).")
    var threads = 1

    @Option(help: "Timed samples; the median is reported.")
    var samples = 21

    @Flag(help: "One JSON line: {\"name\",\"median_ms\",\"gflops\"}.")
    var json = false

    func run() throws {
        try CommandFailure.report {
            var rng = SplitMix64(seed: 7)
            func random(_ shape: [Int]) throws -> Tensor {
                try Tensor(shape: shape, scalars: (0..<(try Tensor.elementCount(shape))).map { _ in Float(rng.unit()) - 0.5 })
            }
            let conv = try DepthwiseConv2D(weight: random([channels, 1, kernel, kernel]), bias: random([channels]))
            let input = try random([1, channels, size, size])
            var times: [Double] = []
            for _ in 0..<max(samples, 1) {
                let start = ContinuousClock.now
                _ = try conv(input, threads: threads)
                times.append(SuppressBench.seconds(ContinuousClock.now - start))
            }
            times.sort()
            let median = times[times.count / 2]
            let flops = 2.0 * Double(channels * size * size * kernel * kernel)
            let name = "depthwise k\(kernel) c\(channels) \(size)x\(size) t\(threads)"
            if json {
                print("{\"name\":\"\(name)\",\"median_ms\":\(median * 1e3),\"gflops\":\(flops / median / 1e9)}")
            } else {
                print("\(name): median \(String(format: "%.3f", median * 1e3)) ms, "
                    + "\(String(format: "%.1f", flops / median / 1e9)) GFLOP/s (\(DepthwiseConv2D.instructionSet))")
            }
        }
    }
}

/// A small deterministic generator for benchmark inputs.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

import Foundation
import NeuralCore

/// The shape of a DetectKit large-kernel detector, read from the `config.json` that `training/export.py` writes
/// (format `detectkit-lk-detector/1`).
public struct DetectorConfiguration: Sendable, Equatable {
    /// One category: its COCO id and name.
    public struct Category: Sendable, Equatable, Decodable {
        /// COCO `category_id`.
        public var id: Int
        /// Name.
        public var name: String

        /// A category.
        public init(id: Int, name: String) {
            self.id = id
            self.name = name
        }

        private enum Keys: String, CodingKey { case id, name }

        /// `{"id": integer, "name": string}`; a fractional or huge id is an error naming the field.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            id = try c.decode(ConfigInteger.self, forKey: .id).value
            name = try c.decode(String.self, forKey: .name)
        }
    }

    /// Categories, in the order of the class outputs.
    public var categories: [Category]
    /// Side of the square, letterboxed input (a multiple of the largest stride).
    public var inputSize: Int
    /// Output channels of the two stem convolutions.
    public var stemChannels: [Int]
    /// Channels of the stride-8 and stride-16 stages.
    public var channels: [Int]
    /// Large-kernel blocks per stage.
    public var depths: [Int]
    /// Width multiplier of each block's 1×1 feed-forward.
    public var ffnRatio: Int
    /// Training-form depthwise branches of each block, `(kernel, dilation)`; merged into one kernel of side
    /// `max d(k − 1) + 1`.
    public var branches: [[Int]]
    /// Channels of the neck and heads.
    public var neckChannels: Int
    /// Kernel side of the heads' depthwise convolutions.
    public var headKernel: Int
    /// Strides of the two output levels (8 and 16).
    public var strides: [Int]
    /// Locations scoring at or below this emit no box.
    public var scoreThreshold: Float
    /// Letterbox background level.
    public var fill: UInt8
    /// Clamp of the box outputs before `exp`.
    public var boxMaximum: Float
    /// Clamp of the log-variances.
    public var logVarianceRange: ClosedRange<Float>
    /// BatchNorm epsilon (training-form weights).
    public var batchNormEpsilon: Float
    /// Name of the weights file next to the config.
    public var weightsFile: String

    /// Side of the merged large kernel, `max d(k − 1) + 1` (`Int.max` when that overflows, which
    /// ``validate(source:)`` refuses).
    public var mergedKernel: Int {
        branches.map { b in
            guard b.count == 2, b[0] > 0 else { return 1 }
            let (span, overflow) = b[1].multipliedReportingOverflow(by: b[0] - 1)
            return overflow || span == Int.max ? Int.max : span + 1
        }.max() ?? 1
    }

    private struct File: Decodable {
        var format: String?
        var categories: [Category]
        var input_size: ConfigInteger
        var stem_channels: [ConfigInteger]
        var channels: [ConfigInteger]
        var depths: [ConfigInteger]
        var ffn_ratio: ConfigInteger
        var branches: [[ConfigInteger]]
        var neck_channels: ConfigInteger
        var head_kernel: ConfigInteger
        var strides: [ConfigInteger]
        var activation: String?
        var score_threshold: Double
        var bn_eps: Double?
        var weights: String?
        var preprocess: Preprocess?
        var decode: Decode?
        struct Preprocess: Decodable { var fill: ConfigInteger? }
        struct Decode: Decodable { var box_t_max: Double?; var logvar_min: Double?; var logvar_max: Double? }
    }

    /// Reads `config.json`; throws `ModelError` naming the file and what does not fit.
    public init(contentsOf path: String) throws {
        try self.init(data: ModelFiles.data(path), source: path)
    }

    /// Reads a `config.json` document held in memory; `source` names it in errors (`ModelError/file(_:_:)`).
    public init(data: Data, source path: String) throws {
        let f = try ModelFiles.decode(File.self, from: data, source: path)
        if let format = f.format, format != "detectkit-lk-detector/1" {
            throw ModelError.file(path, "format \"\(format)\" is not detectkit-lk-detector/1")
        }
        if let a = f.activation, a != "silu" { throw ModelError.file(path, "activation \"\(a)\" is not silu") }
        categories = f.categories
        inputSize = f.input_size.value
        stemChannels = f.stem_channels.map(\.value)
        channels = f.channels.map(\.value)
        depths = f.depths.map(\.value)
        ffnRatio = f.ffn_ratio.value
        branches = f.branches.map { $0.map(\.value) }
        neckChannels = f.neck_channels.value
        headKernel = f.head_kernel.value
        strides = f.strides.map(\.value)
        scoreThreshold = Float(f.score_threshold)
        let level = f.preprocess?.fill?.value ?? 114
        guard (0...255).contains(level) else { throw ModelError.file(path, "preprocess.fill \(level) is not a level 0–255") }
        fill = UInt8(level)
        boxMaximum = Float(f.decode?.box_t_max ?? 8)
        let (low, high) = (Float(f.decode?.logvar_min ?? -12), Float(f.decode?.logvar_max ?? 12))
        guard low <= high else { throw ModelError.file(path, "decode.logvar_min \(low) is above decode.logvar_max \(high)") }
        logVarianceRange = low...high
        batchNormEpsilon = Float(f.bn_eps ?? 1e-5)
        weightsFile = f.weights ?? "detector.safetensors"
        try validate(source: path)
    }

    /// Checks, before any of them is used, that the numbers make a detector DetectKit can build and run: the
    /// architecture's fixed parts (two stem convolutions, two stages at strides 8 and 16), positive sizes, odd
    /// kernels, distinct category ids, an input no larger than an image may be (16384), no product of sizes that
    /// overflows (the feed-forward width, a merged kernel), and decoding constants for which `exp` stays finite.
    /// Throws `ModelError/file(_:_:)` naming `source` and the field.
    public func validate(source: String) throws {
        func fail(_ message: String) -> ModelError { .file(source, message) }
        guard !categories.isEmpty else { throw fail("categories: none given") }
        var ids = Set<Int>()
        for c in categories where !ids.insert(c.id).inserted { throw fail("categories: id \(c.id) appears twice") }
        guard stemChannels.count == 2, channels.count == 2, depths.count == 2, strides == [8, 16] else {
            throw fail("the sizes do not fit the architecture (two stem convs, two stages at strides 8 and 16)")
        }
        guard inputSize > 0, inputSize % 16 == 0, inputSize <= 16384 else {
            throw fail("input_size \(inputSize) must be a multiple of 16, at most 16384")
        }
        guard (stemChannels + channels).allSatisfy({ $0 > 0 }), neckChannels > 0, ffnRatio > 0, depths.allSatisfy({ $0 >= 0 }) else {
            throw fail("stem_channels, channels, neck_channels and ffn_ratio must be positive, depths not negative")
        }
        for c in channels where c.multipliedReportingOverflow(by: ffnRatio).overflow {
            throw fail("ffn_ratio \(ffnRatio) × channels \(c) overflows")
        }
        guard headKernel > 0, headKernel % 2 == 1 else { throw fail("head_kernel \(headKernel) must be odd and positive") }
        guard !branches.isEmpty else { throw fail("branches: none given") }
        for b in branches {
            guard b.count == 2, b[0] > 0, b[0] % 2 == 1, b[1] > 0 else {
                throw fail("branches: \(b) must be [kernel, dilation], the kernel odd and both positive")
            }
        }
        guard mergedKernel < Int.max else { throw fail("branches: dilation × (kernel − 1) overflows") }
        guard scoreThreshold >= 0, scoreThreshold <= 1 else { throw fail("score_threshold \(scoreThreshold) is not in [0, 1]") }
        // stride · exp(t) must stay a finite Float (exp(88.7) overflows); t ≤ 0 would make every box inside out.
        guard boxMaximum > 0, boxMaximum <= 80 else { throw fail("decode.box_t_max \(boxMaximum) is not in (0, 80]") }
        // stride · exp(v / 2) must stay finite, and positive (exp of under −104 is 0 in Float).
        guard logVarianceRange.lowerBound >= -160, logVarianceRange.upperBound <= 160 else {
            throw fail("decode.logvar_min and decode.logvar_max (\(logVarianceRange)) must lie within [-160, 160]")
        }
        guard batchNormEpsilon.isFinite, batchNormEpsilon > 0 else { throw fail("bn_eps \(batchNormEpsilon) must be positive") }
    }
}

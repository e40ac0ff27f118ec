import Boxes
import Foundation
import Imaging
import NeuralCore

/// DetectKit's detector: a RepLKNet/UniRepLKNet-style large-kernel backbone with an anchor-free head that predicts
/// class scores, boxes and a log-variance per box coordinate (the KL loss of He et al., "Bounding Box Regression
/// with Uncertainty", CVPR 2019), trained by `training/train.py` and exported by `training/export.py`.
///
/// Network (S = input side; every convolution pads `(k − 1) / 2`, SiLU after each unless noted):
///
///     stem1, stem2, down3   3×3 stride 2                      → f3 at S/8
///     stage3                blocks x + pw2(SiLU(pw1(LK(x))))  (LK: one merged depthwise kernel, 29×29 by default;
///                                                              pw2 without activation)
///     down4, stage4         3×3 stride 2, blocks              → f4 at S/16
///     p4 = lat4(f4);  p3 = fuse3_pw(fuse3_dw(lat3(f3) + nearest2×(p4)))
///     head per level        cls: dw 5×5 → 1×1 → cls_out;  reg: dw 5×5 → 1×1 → box_out, logvar_out
///
/// Decoding, at location (i, j) of a level of stride s, centre `c = ((j + ½)s, (i + ½)s)`: `l, t, r, b =
/// s(exp(min(box_out, 8)) − 1)`, box `(cx − l, cy − t, cx + r, cy + b)`; score `σ(cls_out)` of the best class,
/// kept when above the threshold; standard deviation of each corner `s · exp(clamp(logvar_out, −12, 12) / 2)`.
/// Boxes are mapped back from the letterbox to the image; they are raw, one per location: suppression comes after.
public struct LargeKernelDetector: Sendable {
    /// The architecture and decoding constants.
    public let configuration: DetectorConfiguration
    let stem1: Conv2D, stem2: Conv2D, down3: Conv2D, down4: Conv2D
    let stage3: [Block], stage4: [Block]
    let lat3: Conv2D, lat4: Conv2D, fuse3Depthwise: Conv2D, fuse3Pointwise: Conv2D
    let heads: [Head]

    struct Block: Sendable {
        let largeKernel: Conv2D, pointwise1: Conv2D, pointwise2: Conv2D
    }

    struct Head: Sendable {
        let classDepthwise: Conv2D, classPointwise: Conv2D, classes: Conv2D
        let boxDepthwise: Conv2D, boxPointwise: Conv2D, boxes: Conv2D, logVariances: Conv2D
    }

    /// The raw outputs of one level: `[N, classes, g, g]`, `[N, 4, g, g]` (l, t, r, b), `[N, 4, g, g]`.
    public struct LevelOutput: Sendable {
        /// Class logits.
        public var classes: Tensor
        /// Box distances, before `exp`.
        public var boxes: Tensor
        /// Log-variances of x1, y1, x2, y2 in strides².
        public var logVariances: Tensor
    }

    /// Loads `directory/config.json` and the weights it names (deploy or training form); throws
    /// `ModelError` naming the file or the tensor at fault.
    public init(directory: String) throws {
        let c = try DetectorConfiguration(contentsOf: (directory as NSString).appendingPathComponent("config.json"))
        try self.init(configuration: c, weights: ModelFiles.weights((directory as NSString).appendingPathComponent(c.weightsFile)))
    }

    /// A detector from its configuration and weights.
    public init(configuration c: DetectorConfiguration, weights file: SafeTensors) throws {
        try self.init(configuration: c, weights: WeightReader(file: file))
    }

    /// A detector from its configuration and a reader of its weights.
    init(configuration c: DetectorConfiguration, weights: WeightReader) throws {
        try c.validate(source: "detector configuration")
        configuration = c
        let w = DetectorLayers(weights: weights, epsilon: c.batchNormEpsilon)
        let (c3, c4, n, r) = (c.channels[0], c.channels[1], c.neckChannels, c.ffnRatio)
        stem1 = try w.convolution("stem1", 3, c.stemChannels[0], kernel: 3, stride: 2)
        stem2 = try w.convolution("stem2", c.stemChannels[0], c.stemChannels[1], kernel: 3, stride: 2)
        down3 = try w.convolution("down3", c.stemChannels[1], c3, kernel: 3, stride: 2)
        down4 = try w.convolution("down4", c3, c4, kernel: 3, stride: 2)
        // Block by block, not mapped over the range: a config claiming a huge depth fails at the first missing
        // tensor instead of reserving room for every block.
        func blocks(_ stage: String, _ ch: Int, _ depth: Int) throws -> [Block] {
            var out: [Block] = []
            for i in 0..<depth {
                let p = "\(stage).\(i)"
                out.append(Block(
                    largeKernel: try w.largeKernel(p, channels: ch, branches: c.branches, side: c.mergedKernel),
                    pointwise1: try w.convolution("\(p).pw1", ch, r * ch, kernel: 1),
                    pointwise2: try w.convolution("\(p).pw2", r * ch, ch, kernel: 1)))
            }
            return out
        }
        stage3 = try blocks("stage3", c3, c.depths[0])
        stage4 = try blocks("stage4", c4, c.depths[1])
        lat3 = try w.convolution("lat3", c3, n, kernel: 1)
        lat4 = try w.convolution("lat4", c4, n, kernel: 1)
        fuse3Depthwise = try w.convolution("fuse3_dw", n, n, kernel: 5, groups: n)
        fuse3Pointwise = try w.convolution("fuse3_pw", n, n, kernel: 1)
        heads = try ["head3", "head4"].map { h in
            Head(
                classDepthwise: try w.convolution("\(h).cls_dw", n, n, kernel: c.headKernel, groups: n),
                classPointwise: try w.convolution("\(h).cls_pw", n, n, kernel: 1),
                classes: try w.output("\(h).cls_out", n, c.categories.count),
                boxDepthwise: try w.convolution("\(h).reg_dw", n, n, kernel: c.headKernel, groups: n),
                boxPointwise: try w.convolution("\(h).reg_pw", n, n, kernel: 1),
                boxes: try w.output("\(h).box_out", n, 4), logVariances: try w.output("\(h).logvar_out", n, 4))
        }
    }

    /// The raw outputs at strides 8 and 16 for an input `[N, 3, S, S]` (RGB in [0, 1]).
    public func callAsFunction(_ x: Tensor, threads: Int = 1) throws -> [LevelOutput] {
        let s = configuration.inputSize
        guard x.rank == 4, x.shape[1] == 3, x.shape[2] == s, x.shape[3] == s else {
            throw ModelError.file("input", "must be [N, 3, \(s), \(s)], got \(x.shape)")
        }
        func silu(_ conv: Conv2D, _ t: Tensor) throws -> Tensor { Activation.silu(try conv(t, threads: threads)) }
        func run(_ blocks: [Block], _ t: Tensor) throws -> Tensor {
            var h = t
            for b in blocks {
                let y = try b.pointwise2(silu(b.pointwise1, b.largeKernel(h, threads: threads)), threads: threads)
                h = try h.adding(y)
            }
            return h
        }
        let f3 = try run(stage3, silu(down3, silu(stem2, silu(stem1, x))))
        let f4 = try run(stage4, silu(down4, f3))
        let p4 = try silu(lat4, f4)
        let p3 = try silu(fuse3Pointwise, silu(fuse3Depthwise, silu(lat3, f3).adding(Upsample.nearest(scale: 2)(p4))))
        return try zip(heads, [p3, p4]).map { head, p in
            let c = try silu(head.classPointwise, silu(head.classDepthwise, p))
            let r = try silu(head.boxPointwise, silu(head.boxDepthwise, p))
            return LevelOutput(
                classes: try head.classes(c, threads: threads), boxes: try head.boxes(r, threads: threads),
                logVariances: try head.logVariances(r, threads: threads))
        }
    }

    /// Raw detections of image `n` of the outputs, in input (letterbox) pixels: one per location whose best class
    /// scores above `scoreThreshold` (default: the config's), levels in order, locations row by row.
    public func decode(_ outputs: [LevelOutput], image n: Int = 0, scoreThreshold: Float? = nil) throws -> Detections {
        let threshold = scoreThreshold ?? configuration.scoreThreshold
        let k = configuration.categories.count
        for out in outputs {
            let s = out.classes.shape
            guard outputs.count <= configuration.strides.count, s.count == 4, s[1] == k, s[2] == s[3], (0..<s[0]).contains(n),
                out.boxes.shape == [s[0], 4, s[2], s[3]], out.logVariances.shape == [s[0], 4, s[2], s[3]]
            else { throw ModelError.file("outputs", "are not this detector's outputs for image \(n)") }
        }
        var boxes = BoxArray(), scores: [Float] = [], categories: [Int] = [], deviations: [SIMD4<Float>] = []
        let range = configuration.logVarianceRange
        for (level, out) in outputs.enumerated() {
            let stride = Float(configuration.strides[level]), g = out.classes.shape[3], plane = g * g
            for i in 0..<g {
                for j in 0..<g {
                    let at = i * g + j
                    var best = -Float.infinity, bestClass = 0
                    for c in 0..<k {
                        let v = out.classes.scalars[(n * k + c) * plane + at]
                        if v > best { (best, bestClass) = (v, c) }
                    }
                    let score = 1 / (1 + exp(-best))
                    guard score > threshold else { continue }
                    func channel(_ t: Tensor, _ c: Int) -> Float { t.scalars[(n * 4 + c) * plane + at] }
                    let cx = (Float(j) + 0.5) * stride, cy = (Float(i) + 0.5) * stride
                    let d = (0..<4).map { stride * (exp(min(channel(out.boxes, $0), configuration.boxMaximum)) - 1) }
                    boxes.append(Box(x1: cx - d[0], y1: cy - d[1], x2: cx + d[2], y2: cy + d[3]))
                    scores.append(score)
                    categories.append(configuration.categories[bestClass].id)
                    let sigma = (0..<4).map { stride * exp(min(max(channel(out.logVariances, $0), range.lowerBound), range.upperBound) / 2) }
                    deviations.append(SIMD4(sigma[0], sigma[1], sigma[2], sigma[3]))
                }
            }
        }
        return try Detections(boxes: boxes, scores: scores, categories: categories, deviations: deviations)
    }

    /// Raw (not yet suppressed) detections on `image`, in its pixels: letterboxed to the input size (bilinear,
    /// gray 114), run, decoded, and mapped back (boxes clipped to the image, standard deviations rescaled).
    /// Categories are the config's COCO ids; every detection carries its `bbox_std`.
    public func detect(_ image: Image, scoreThreshold: Float? = nil, threads: Int = 1) throws -> Detections {
        let s = configuration.inputSize
        let rgb = image.channels == 3 ? image : try image.droppingAlpha().converted(toChannels: 3)
        let letterbox = try Letterbox(sourceWidth: rgb.width, sourceHeight: rgb.height, targetWidth: s, targetHeight: s)
        let boxed = try letterbox.apply(to: rgb, fill: configuration.fill)
        var x = [Float](repeating: 0, count: 3 * s * s)
        boxed.pixels.withUnsafeBufferPointer { p in
            for i in 0..<(s * s) { for c in 0..<3 { x[c * s * s + i] = Float(p[i * 3 + c]) / 255 } }
        }
        let raw = try decode(callAsFunction(Tensor(shape: [1, 3, s, s], scalars: x), threads: threads), scoreThreshold: scoreThreshold)
        let sx = Float(letterbox.scaleX), sy = Float(letterbox.scaleY)
        var boxes = BoxArray()
        boxes.reserveCapacity(raw.count)
        for i in 0..<raw.count { boxes.append(letterbox.toSource(raw.boxes[i])) }
        let deviations = raw.deviations?.map { SIMD4($0.x / sx, $0.y / sy, $0.z / sx, $0.w / sy) }
        return try Detections(boxes: boxes, scores: raw.scores, categories: raw.categories, deviations: deviations)
    }
}

import CNeuralKernels

/// Depthwise 2-D convolution (`groups = channels`), stride 1, dilation 1, zero "same" padding, an odd square kernel
/// of any size: the large-kernel operator of RepLKNet-style backbones (27×27, 31×31), where PyTorch's CPU path is
/// slow.
///
///     out[n, c, y, x] = bias[c] + Σ_{ky, kx} weight[c, 0, ky, kx] · in[n, c, y + ky − K/2, x + kx − K/2]
///
/// with `in` zero outside the image, taps accumulated in `ky`-then-`kx` order, each with one fused multiply-add
/// (`acc = fma(w, x, acc)`, a single rounding); taps whose weight is exactly zero are skipped, which makes the
/// merged kernels of structural re-parameterisation (a dense centre, sparse dilated taps) several times cheaper
/// (the result differs from summing them only for infinite or NaN inputs under a zero tap, and in the sign of a
/// zero result). Weights use PyTorch's layout
/// `[C, 1, K, K]` (`nn.Conv2d(C, C, K, padding=K // 2, groups=C)`). The fast path pads each plane once and
/// accumulates output rows 64 floats at a time in vector registers (C kernels chosen at run time for AVX-512, AVX2
/// or a portable target); it equals ``reference(_:)`` bit for bit.
public struct DepthwiseConv2D: Sendable {
    /// `[C, 1, K, K]`.
    public let weight: Tensor
    /// `[C]`, or nil.
    public let bias: Tensor?

    /// A convolution from PyTorch-layout weights; throws when the shapes do not fit together.
    public init(weight: Tensor, bias: Tensor? = nil) throws {
        let s = weight.shape
        guard s.count == 4, s[1] == 1, s[2] == s[3], s[2] % 2 == 1, s[0] > 0 else {
            throw NeuralError.shape("depthwise weight must be [C, 1, K, K] with K odd, got \(s)")
        }
        if let bias, bias.shape != [s[0]] {
            throw NeuralError.shape("depthwise bias must be [\(s[0])], got \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
    }

    /// Number of channels.
    public var channels: Int { weight.shape[0] }
    /// Kernel side `K`.
    public var kernelSize: Int { weight.shape[2] }

    /// The instruction set the fast path runs with on this machine: "avx512", "avx2" or "portable", chosen once
    /// per process.
    public static var instructionSet: String { instructionSets[Int(dk_neural_best_level())] }

    /// The instruction sets of the fast path, narrowest first (the C kernels' levels).
    package static let instructionSets = ["portable", "avx2", "avx512"]

    /// Applies the convolution to `[N, C, H, W]`, splitting channels over `threads` threads.
    public func callAsFunction(_ input: Tensor, threads: Int = 1) throws -> Tensor {
        try run(input, threads: threads, level: Int(dk_neural_best_level()))
    }

    /// The fast path compiled for `instructionSet` (one of ``instructionSets``), for tests that check every path;
    /// nil when this CPU lacks it. Only this call is affected.
    package func callAsFunction(_ input: Tensor, threads: Int = 1, instructionSet: String) throws -> Tensor? {
        guard let level = Self.instructionSets.firstIndex(of: instructionSet), level <= dk_neural_best_level() else { return nil }
        return try run(input, threads: threads, level: level)
    }

    /// The fast path at a level this CPU has.
    private func run(_ input: Tensor, threads: Int, level: Int) throws -> Tensor {
        let (n, h, w) = try check(input)
        let c = channels, k = kernelSize
        let workers = Swift.max(1, Swift.min(threads, c, WorkerPool.shared.maximumThreads))
        let scratchCount = dk_depthwise_scratch_count(h, w, k)
        let bias = self.bias?.scalars
        // One scratch plane per thread; channels are handed out in small chunks, so a helper that wakes late
        // takes fewer of them.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount * workers)
        defer { scratch.deallocate() }
        nonisolated(unsafe) let scratchBase = scratch
        let chunk = Swift.max(1, c / (8 * workers)), chunks = (c + chunk - 1) / chunk
        let output = try input.scalars.withUnsafeBufferPointer { src in
            try weight.scalars.withUnsafeBufferPointer { wt in
                try bias.withOptionalBuffer { b in
                    try Tensor(shape: input.shape) { dst in
                        let plane = c * h * w
                        // Each item writes its own channel range of `dst` and only reads the others.
                        nonisolated(unsafe) let (s, wp, d) = (src.baseAddress!, wt.baseAddress!, dst.baseAddress!)
                        WorkerPool.shared.forEach(chunks * n, threads: workers) { item, slot in
                            let image = item / chunks, first = (item % chunks) * chunk, end = Swift.min(c, first + chunk)
                            _ = dk_depthwise_conv2d_level(
                                Int32(level), s + image * plane, wp, b, d + image * plane, first, end, h, w, k,
                                scratchBase + slot * scratchCount)
                        }
                    }
                }
            }
        }
        return output
    }

    /// Plain scalar reference: the formula above, loop by loop.
    public func reference(_ input: Tensor) throws -> Tensor {
        let (n, h, w) = try check(input)
        let c = channels, k = kernelSize, pad = k / 2
        var out = try Tensor(zeros: input.shape)
        for image in 0..<n {
            for ch in 0..<c {
                let base = (image * c + ch) * h * w
                for y in 0..<h {
                    for x in 0..<w {
                        var acc = bias?.scalars[ch] ?? 0
                        for ky in 0..<k {
                            for kx in 0..<k {
                                let iy = y + ky - pad, ix = x + kx - pad
                                let v: Float = iy >= 0 && iy < h && ix >= 0 && ix < w ? input.scalars[base + iy * w + ix] : 0
                                let t = weight.scalars[(ch * k + ky) * k + kx]
                                if t != 0 { acc = acc.addingProduct(t, v) }
                            }
                        }
                        out.scalars[base + y * w + x] = acc
                    }
                }
            }
        }
        return out
    }

    private func check(_ input: Tensor) throws -> (Int, Int, Int) {
        let s = input.shape
        guard s.count == 4, s[1] == channels, s[2] > 0, s[3] > 0 else {
            throw NeuralError.shape("depthwise input must be [N, \(channels), H, W], got \(s)")
        }
        return (s[0], s[2], s[3])
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with the array's base address, or nil.
    fileprivate func withOptionalBuffer<R>(_ body: (UnsafePointer<Float>?) throws -> R) rethrows -> R {
        switch self {
        case .some(let array): return try array.withUnsafeBufferPointer { try body($0.baseAddress) }
        case .none: return try body(nil)
        }
    }
}

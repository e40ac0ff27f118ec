/// 2-D convolution with any kernel, stride, zero padding, dilation and groups (`torch.nn.functional.conv2d`):
///
///     out[n, o, y, x] = bias[o] + Σ_{c in group(o)} Σ_{ky, kx} w[o, c, ky, kx] · in[n, c, y·s − p + ky·d, x·s − p + kx·d]
///
/// Weights use PyTorch's layout `[out, in / groups, kh, kw]`. Depthwise convolutions with stride 1, dilation 1
/// and "same" padding go to ``DepthwiseConv2D``; everything else is im2col (skipped for 1×1, stride-1, unpadded
/// convolutions, whose input already is the matrix) followed by BLAS `sgemm` per image and group, over
/// column blocks that depend on the output size alone (`BlockPartition`), so any thread count gives the same bits.
public struct Conv2D: Sendable {
    /// Stride, zero padding and dilation per axis, and the number of groups.
    public struct Parameters: Sendable, Equatable {
        /// Step between output samples (y, x).
        public var stride: (Int, Int)
        /// Zeros added on each side (y, x).
        public var padding: (Int, Int)
        /// Spacing between kernel taps (y, x).
        public var dilation: (Int, Int)
        /// Input and output channels are split into this many independent groups.
        public var groups: Int

        /// Parameters; the defaults are PyTorch's.
        public init(stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) {
            self.stride = stride
            self.padding = padding
            self.dilation = dilation
            self.groups = groups
        }

        /// Equal when every field is.
        public static func == (a: Parameters, b: Parameters) -> Bool {
            a.stride == b.stride && a.padding == b.padding && a.dilation == b.dilation && a.groups == b.groups
        }
    }

    /// `[out, in / groups, kh, kw]`.
    public let weight: Tensor
    /// `[out]`, or nil.
    public let bias: Tensor?
    /// Stride, padding, dilation, groups.
    public let parameters: Parameters

    /// A convolution from PyTorch-layout weights; throws when shapes and parameters do not fit together.
    public init(weight: Tensor, bias: Tensor? = nil, parameters: Parameters = .init()) throws {
        let s = weight.shape, p = parameters
        guard s.count == 4, s.allSatisfy({ $0 > 0 }), p.groups > 0, s[0] % p.groups == 0 else {
            throw NeuralError.shape("conv weight must be [out, in / groups, kh, kw] with out divisible by \(p.groups), got \(s)")
        }
        guard p.stride.0 > 0, p.stride.1 > 0, p.dilation.0 > 0, p.dilation.1 > 0, p.padding.0 >= 0, p.padding.1 >= 0 else {
            throw NeuralError.shape("conv stride and dilation must be positive and padding non-negative")
        }
        if let bias, bias.shape != [s[0]] { throw NeuralError.shape("conv bias must be [\(s[0])], got \(bias.shape)") }
        self.weight = weight
        self.bias = bias
        self.parameters = parameters
    }

    /// Output channels.
    public var outChannels: Int { weight.shape[0] }
    /// Input channels.
    public var inChannels: Int { weight.shape[1] * parameters.groups }

    /// Output height and width for an input of `h × w`.
    public func outputSize(_ h: Int, _ w: Int) -> (Int, Int) {
        let p = parameters, kh = weight.shape[2], kw = weight.shape[3]
        return ((h + 2 * p.padding.0 - p.dilation.0 * (kh - 1) - 1) / p.stride.0 + 1,
                (w + 2 * p.padding.1 - p.dilation.1 * (kw - 1) - 1) / p.stride.1 + 1)
    }

    /// Applies the convolution to `[N, C, H, W]`, spreading images and groups over `threads` threads.
    public func callAsFunction(_ input: Tensor, threads: Int = 1) throws -> Tensor {
        let (n, h, w, oh, ow) = try check(input)
        let p = parameters, kh = weight.shape[2], kw = weight.shape[3]
        if p.groups == inChannels && p.groups == outChannels && weight.shape[1] == 1 && kh == kw && kh % 2 == 1
            && p.stride == (1, 1) && p.dilation == (1, 1) && p.padding == (kh / 2, kh / 2)
        {
            return try DepthwiseConv2D(weight: weight, bias: bias)(input, threads: threads)
        }
        let cin = weight.shape[1], cout = outChannels / p.groups, rows = cin * kh * kw, columns = oh * ow
        let direct = kh == 1 && kw == 1 && p.stride == (1, 1) && p.padding == (0, 0)
        let bias = self.bias?.scalars, beta: Float = bias == nil ? 0 : 1
        let jobs = n * p.groups, workers = Swift.max(1, Swift.min(threads, WorkerPool.shared.maximumThreads))
        // Each job (one image, one group) writes its own slice of the output.
        return try input.scalars.withUnsafeBufferPointer { src in
            try weight.scalars.withUnsafeBufferPointer { wt in
                try Tensor(shape: [n, outChannels, oh, ow]) { dst in
                    nonisolated(unsafe) let (s, wp, d) = (src.baseAddress!, wt.baseAddress!, dst.baseAddress!)
                    let planeStride = h * w, outPlane = oh * ow
                    /// Bias (or nothing) into the job's output, then `C += W · cols`, over the columns `range`.
                    func product(_ job: Int, _ b: UnsafePointer<Float>, _ range: Range<Int>) {
                        let (c0, c1) = (range.lowerBound, range.upperBound)
                        let image = job / p.groups, g = job % p.groups
                        let out = d + (image * outChannels + g * cout) * outPlane
                        if let bias {
                            for o in 0..<cout { (out + o * outPlane + c0).update(repeating: bias[g * cout + o], count: c1 - c0) }
                        }
                        MatrixMultiply.gemm(
                            m: cout, n: c1 - c0, k: rows, a: wp + g * cout * rows, b: b + c0, ldb: columns, c: out + c0,
                            ldc: columns, beta: beta)
                    }
                    func planes(_ job: Int) -> UnsafePointer<Float> {
                        s + ((job / p.groups) * inChannels + (job % p.groups) * cin) * planeStride
                    }
                    // The product of every job is split into the same column blocks on any thread count
                    // (BlockPartition), so the BLAS calls, and the bits, do not depend on `threads`.
                    let blocks = BlockPartition(columns, minimumSize: 128)
                    if jobs >= workers {
                        WorkerPool.shared.forEach(workers, threads: workers) { worker in
                            let cols = direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
                            defer { cols?.deallocate() }
                            for job in stride(from: worker, to: jobs, by: workers) {
                                if let cols { Self.im2col(planes(job), cin, h, w, kh, kw, p, oh, ow, into: cols) }
                                let matrix = cols.map { UnsafePointer($0) } ?? planes(job)
                                for block in 0..<blocks.count { product(job, matrix, blocks[block]) }
                            }
                        }
                        return
                    }
                    // Fewer jobs than threads (one image, no groups): the unrolling is split over input channels,
                    // then the column blocks over threads. Two products side by side on this machine's two cores,
                    // which share their vector units, ran 1.2–2× slower than one after the other.
                    let cols = direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
                    defer { cols?.deallocate() }
                    nonisolated(unsafe) let colsPointer = cols
                    for job in 0..<jobs {
                        let source = planes(job)
                        if !direct {
                            WorkerPool.shared.forEach(cin, threads: workers) { c in
                                Self.im2col(source + c * planeStride, 1, h, w, kh, kw, p, oh, ow, into: colsPointer! + c * kh * kw * columns)
                            }
                        }
                        nonisolated(unsafe) let matrix = cols.map { UnsafePointer($0) } ?? source
                        WorkerPool.shared.forEach(blocks.count, threads: workers) { block in product(job, matrix, blocks[block]) }
                    }
                }
            }
        }
    }

    /// Unrolls the receptive fields of one group's planes into a `(cin · kh · kw) × (oh · ow)` matrix. Per output
    /// row the valid range of `x` is worked out once, so the inner loop is a plain strided (or, at stride 1,
    /// contiguous) copy, with zeros only for the padding.
    static func im2col(
        _ src: UnsafePointer<Float>, _ cin: Int, _ h: Int, _ w: Int, _ kh: Int, _ kw: Int, _ p: Parameters, _ oh: Int,
        _ ow: Int, into cols: UnsafeMutablePointer<Float>
    ) {
        let (sy, sx) = p.stride, (py, px) = p.padding, (dy, dx) = p.dilation
        var out = cols
        for c in 0..<cin {
            let plane = src + c * h * w
            for ky in 0..<kh {
                for kx in 0..<kw {
                    // Output columns x whose input column x·sx − px + kx·dx lies in [0, w).
                    let shift = kx * dx - px
                    let first = Swift.min(ow, Swift.max(0, (-shift + sx - 1) / sx))
                    let last = Swift.max(first, Swift.min(ow, (w - 1 - shift) >= 0 ? (w - 1 - shift) / sx + 1 : 0))
                    for y in 0..<oh {
                        let iy = y * sy - py + ky * dy
                        guard iy >= 0 && iy < h else {
                            out.update(repeating: 0, count: ow)
                            out += ow
                            continue
                        }
                        let row = plane + iy * w + shift
                        out.update(repeating: 0, count: first)
                        if sx == 1 {
                            (out + first).update(from: row + first, count: last - first)
                        } else {
                            for x in first..<last { out[x] = row[x * sx] }
                        }
                        (out + last).update(repeating: 0, count: ow - last)
                        out += ow
                    }
                }
            }
        }
    }

    /// Plain scalar reference: the formula above, loop by loop, sums in `Double`.
    public func reference(_ input: Tensor) throws -> Tensor {
        let (n, h, w, oh, ow) = try check(input)
        let p = parameters, kh = weight.shape[2], kw = weight.shape[3], cin = weight.shape[1]
        let cout = outChannels / p.groups
        var out = try Tensor(zeros: [n, outChannels, oh, ow])
        for image in 0..<n {
            for o in 0..<outChannels {
                let g = o / cout
                for y in 0..<oh {
                    for x in 0..<ow {
                        var acc = Double(bias?.scalars[o] ?? 0)
                        for c in 0..<cin {
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = y * p.stride.0 - p.padding.0 + ky * p.dilation.0
                                    let ix = x * p.stride.1 - p.padding.1 + kx * p.dilation.1
                                    guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                                    let v = input.scalars[((image * inChannels + g * cin + c) * h + iy) * w + ix]
                                    acc += Double(weight.scalars[((o * cin + c) * kh + ky) * kw + kx]) * Double(v)
                                }
                            }
                        }
                        out.scalars[((image * outChannels + o) * oh + y) * ow + x] = Float(acc)
                    }
                }
            }
        }
        return out
    }

    private func check(_ input: Tensor) throws -> (Int, Int, Int, Int, Int) {
        let s = input.shape
        guard s.count == 4, s[1] == inChannels else {
            throw NeuralError.shape("conv input must be [N, \(inChannels), H, W], got \(s)")
        }
        let p = parameters, kh = weight.shape[2], kw = weight.shape[3]
        // Checked before dividing: integer division truncates toward zero and would hide a negative size.
        guard s[2] + 2 * p.padding.0 >= p.dilation.0 * (kh - 1) + 1, s[3] + 2 * p.padding.1 >= p.dilation.1 * (kw - 1) + 1 else {
            throw NeuralError.shape("conv input \(s) is smaller than the kernel")
        }
        let (oh, ow) = outputSize(s[2], s[3])
        return (s[0], s[2], s[3], oh, ow)
    }
}

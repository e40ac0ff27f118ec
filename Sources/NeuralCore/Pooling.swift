/// Max and average pooling over `[N, C, H, W]` (`torch.nn.functional.max_pool2d` / `avg_pool2d`): windows of
/// `kernel` taken every `stride`, the input padded by `padding` (with −∞ for max; for average the zeros count,
/// PyTorch's `count_include_pad=True`). Output side: `(in + 2·padding − kernel) / stride + 1`.
public struct Pool2D: Sendable, Equatable {
    /// Which reduction.
    public enum Kind: Sendable, Equatable {
        /// The largest value of the window.
        case max
        /// The mean of the window, padding included.
        case average
    }

    /// Which reduction.
    public var kind: Kind
    /// Window side.
    public var kernel: Int
    /// Step between windows (PyTorch's default: the kernel).
    public var stride: Int
    /// Padding on each side (at most half the kernel, as PyTorch requires).
    public var padding: Int

    /// A pooling; throws for a non-positive kernel or stride or a padding over half the kernel.
    public init(_ kind: Kind, kernel: Int, stride: Int? = nil, padding: Int = 0) throws {
        let s = stride ?? kernel
        guard kernel > 0, s > 0, padding >= 0, padding <= kernel / 2 else {
            throw NeuralError.shape("pooling needs kernel, stride > 0 and 0 ≤ padding ≤ kernel / 2")
        }
        self.kind = kind
        self.kernel = kernel
        self.stride = s
        self.padding = padding
    }

    /// Pools `[N, C, H, W]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4 else { throw NeuralError.shape("pooling input must be [N, C, H, W], got \(x.shape)") }
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        guard h + 2 * padding >= kernel, w + 2 * padding >= kernel else {
            throw NeuralError.shape("pooling input \(x.shape) is smaller than the window")
        }
        let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
        var out = try Tensor(zeros: [x.shape[0], x.shape[1], oh, ow])
        for p in 0..<planes {
            for y in 0..<oh {
                for xo in 0..<ow {
                    var best = -Float.infinity, sum: Float = 0
                    for ky in 0..<kernel {
                        let iy = y * stride - padding + ky
                        for kx in 0..<kernel {
                            let ix = xo * stride - padding + kx
                            guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                            let v = x.scalars[(p * h + iy) * w + ix]
                            best = Swift.max(best, v)
                            sum += v
                        }
                    }
                    out.scalars[(p * oh + y) * ow + xo] = kind == .max ? best : sum / Float(kernel * kernel)
                }
            }
        }
        return out
    }
}

/// Upsampling of `[N, C, H, W]` by an integer factor (`torch.nn.functional.interpolate(scale_factor=s)`):
/// `nearest` copies each pixel `s × s` times; `bilinear` samples the input at `(o + 0.5) / s − 0.5`, clamped at the
/// edges (`align_corners=False`).
public enum Upsample: Sendable, Equatable {
    /// Nearest neighbour.
    case nearest(scale: Int)
    /// Bilinear, half-pixel centres.
    case bilinear(scale: Int)

    /// Upsamples `[N, C, H, W]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let s: Int
        switch self {
        case .nearest(let scale), .bilinear(let scale): s = scale
        }
        guard x.rank == 4, s > 0 else { throw NeuralError.shape("upsampling needs [N, C, H, W] and a positive scale") }
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let oh = h * s, ow = w * s
        var out = try Tensor(zeros: [x.shape[0], x.shape[1], oh, ow])
        func source(_ o: Int, _ n: Int) -> (Int, Int, Float) {
            let v = Swift.max((Float(o) + 0.5) / Float(s) - 0.5, 0)
            let i0 = Swift.min(Int(v), n - 1), i1 = Swift.min(i0 + 1, n - 1)
            return (i0, i1, v - Float(i0))
        }
        for p in 0..<planes {
            for y in 0..<oh {
                for xo in 0..<ow {
                    let value: Float
                    switch self {
                    case .nearest:
                        value = x.scalars[(p * h + y / s) * w + xo / s]
                    case .bilinear:
                        let (y0, y1, fy) = source(y, h), (x0, x1, fx) = source(xo, w)
                        func at(_ yy: Int, _ xx: Int) -> Float { x.scalars[(p * h + yy) * w + xx] }
                        let top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx
                        let bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx
                        value = top * (1 - fy) + bottom * fy
                    }
                    out.scalars[(p * oh + y) * ow + xo] = value
                }
            }
        }
        return out
    }
}

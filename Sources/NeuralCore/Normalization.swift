import CNeuralKernels
import Foundation

/// Softmax over the last dimension, `exp(x_i − max x) / Σ_j exp(x_j − max x)` (the maximum subtracted first, as
/// PyTorch does, so large inputs do not overflow), sums in `Double`.
public func softmax(_ t: Tensor) throws -> Tensor {
    guard let n = t.shape.last, n > 0 else { throw NeuralError.shape("softmax needs a non-empty last dimension, got \(t.shape)") }
    var out = t
    for row in stride(from: 0, to: t.count, by: n) {
        let slice = t.scalars[row..<(row + n)]
        let top = Double(slice.max() ?? 0)
        let exps = slice.map { exp(Double($0) - top) }
        let total = exps.reduce(0, +)
        for (i, e) in exps.enumerated() { out.scalars[row + i] = Float(e / total) }
    }
    return out
}

/// Softmax of each row of `columns` values, in place, with the vectorised kernel attention uses:
/// `exp(x − max) · (1 / Σ exp(x − max))`, exp within 2 ulp of `expf`, the sum in `Float`. PyTorch's CPU softmax
/// computes the same formula (its vectorised exp is not correctly rounded either), so results agree with it to
/// about 1e-7. `values.count` must be a multiple of `columns` (a last partial row is left as it is).
public func softmaxRows(_ values: inout [Float], columns: Int) {
    guard columns > 0 else { return }
    let rows = values.count / columns
    values.withUnsafeMutableBufferPointer { dk_softmax_rows($0.baseAddress!, rows, columns, 0) }
}

/// `1 / (1 + exp(−x))` of every value, in place, vectorised (exp within 2 ulp of `expf`).
public func sigmoid(_ values: inout [Float]) {
    _ = sigmoid(&values, level: -1)
}

/// `sigmoid(_:)` with the kernel of one instruction-set level (0 portable, 1 AVX2, 2 AVX-512; -1 the widest this
/// CPU has), for the tests that check every path; false, leaving `values` as they are, when the CPU lacks it.
package func sigmoid(_ values: inout [Float], level: Int) -> Bool {
    guard !values.isEmpty else { return true }
    return values.withUnsafeMutableBufferPointer { dk_sigmoid_level(Int32(level), $0.baseAddress!, $0.count) } != 0
}

/// Layer normalisation over the last dimension (`torch.nn.LayerNorm(features, eps=1e-5)`):
/// `y = (x − mean) / √(var + eps) · weight + bias`, the variance biased (divided by `features`); sums in 16
/// float lanes, then `Double` (a vectorised C kernel).
public struct LayerNorm: Sendable {
    /// `[features]`.
    public let weight: Tensor
    /// `[features]`.
    public let bias: Tensor
    /// Added to the variance (default 1e-5, PyTorch's).
    public let epsilon: Float

    /// A layer from PyTorch's `weight` and `bias`.
    public init(weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) throws {
        guard weight.rank == 1, weight.shape == bias.shape, weight.count > 0 else {
            throw NeuralError.shape("layer norm weight and bias must both be [features], got \(weight.shape), \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// Normalises `[..., features]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let n = weight.count
        guard x.shape.last == n else { throw NeuralError.shape("layer norm input must end in \(n) features, got \(x.shape)") }
        var out = x
        weight.scalars.withUnsafeBufferPointer { w in
            bias.scalars.withUnsafeBufferPointer { b in
                out.scalars.withUnsafeMutableBufferPointer { p in
                    dk_layer_norm_rows(p.baseAddress!, p.count / n, n, w.baseAddress!, b.baseAddress!, epsilon)
                }
            }
        }
        return out
    }
}

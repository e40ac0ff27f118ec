/// Inference-mode batch normalisation over channels (`torch.nn.BatchNorm2d` in `eval()`):
/// `y = (x − mean) / √(var + eps) · weight + bias`. DetectKit never runs it as a layer: it is folded into the
/// convolution before it (``folded(into:)``).
public struct BatchNorm2D: Sendable {
    /// Running mean, `[C]`.
    public let mean: Tensor
    /// Running variance, `[C]`.
    public let variance: Tensor
    /// Scale γ, `[C]`.
    public let weight: Tensor
    /// Shift β, `[C]`.
    public let bias: Tensor
    /// Added to the variance (PyTorch's default 1e-5).
    public let epsilon: Float

    /// A batch norm from PyTorch's `running_mean`, `running_var`, `weight` and `bias`.
    public init(mean: Tensor, variance: Tensor, weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) throws {
        guard mean.rank == 1, [variance.shape, weight.shape, bias.shape].allSatisfy({ $0 == mean.shape }) else {
            throw NeuralError.shape("batch norm tensors must all be [C], got \(mean.shape), \(variance.shape), \(weight.shape), \(bias.shape)")
        }
        self.mean = mean
        self.variance = variance
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// The convolution followed by this batch norm, as one convolution:
    /// `w'[o] = w[o] · γ[o] / √(var[o] + eps)`, `b'[o] = (b[o] − mean[o]) · γ[o] / √(var[o] + eps) + β[o]`.
    public func folded(into conv: Conv2D) throws -> Conv2D {
        let out = conv.outChannels
        guard mean.count == out else { throw NeuralError.shape("batch norm of \(mean.count) channels after a conv with \(out)") }
        let per = conv.weight.count / out
        var w = conv.weight
        var b = [Float](repeating: 0, count: out)
        for o in 0..<out {
            let scale = Double(weight.scalars[o]) / (Double(variance.scalars[o]) + Double(epsilon)).squareRoot()
            for i in (o * per)..<((o + 1) * per) { w.scalars[i] = Float(Double(w.scalars[i]) * scale) }
            let before = Double(conv.bias?.scalars[o] ?? 0)
            b[o] = Float((before - Double(mean.scalars[o])) * scale + Double(bias.scalars[o]))
        }
        return try Conv2D(weight: w, bias: Tensor(shape: [out], scalars: b), parameters: conv.parameters)
    }
}

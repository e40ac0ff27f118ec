/// A fully connected layer, `y = x · Wᵀ + b`, with PyTorch's layout: `weight` `[out, in]`, `bias` `[out]`
/// (`torch.nn.Linear`). The input is `[..., in]`; the output `[..., out]`. One BLAS `sgemm` over all rows.
public struct Linear: Sendable {
    /// `[out, in]`.
    public let weight: Tensor
    /// `[out]`, or nil.
    public let bias: Tensor?

    /// A layer from PyTorch-layout weights; throws when the shapes do not fit together.
    public init(weight: Tensor, bias: Tensor? = nil) throws {
        guard weight.rank == 2, weight.shape[0] > 0, weight.shape[1] > 0 else {
            throw NeuralError.shape("linear weight must be [out, in], got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw NeuralError.shape("linear bias must be [\(weight.shape[0])], got \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
    }

    /// Input features.
    public var inFeatures: Int { weight.shape[1] }
    /// Output features.
    public var outFeatures: Int { weight.shape[0] }

    /// Applies the layer to `[..., in]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard let last = x.shape.last, last == inFeatures else {
            throw NeuralError.shape("linear input must end in \(inFeatures) features, got \(x.shape)")
        }
        let rows = x.count / inFeatures
        var outShape = x.shape
        outShape[outShape.count - 1] = outFeatures
        var y = try Tensor(zeros: outShape)
        guard rows > 0 else { return y }
        if let bias {  // start from the bias, then add x · Wᵀ
            for r in 0..<rows { y.scalars.replaceSubrange((r * outFeatures)..<((r + 1) * outFeatures), with: bias.scalars) }
        }
        let beta: Float = bias == nil ? 0 : 1
        x.scalars.withUnsafeBufferPointer { a in
            weight.scalars.withUnsafeBufferPointer { w in
                y.scalars.withUnsafeMutableBufferPointer { c in
                    MatrixMultiply.gemm(
                        m: rows, n: outFeatures, k: inFeatures, a: a.baseAddress!, b: w.baseAddress!, transposeB: true,
                        c: c.baseAddress!, beta: beta)
                }
            }
        }
        return y
    }
}

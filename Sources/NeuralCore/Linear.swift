/// A fully connected layer, `y = x · Wᵀ + b`, with PyTorch's layout: `weight` `[out, in]`, `bias` `[out]`
/// (`torch.nn.Linear`). The input is `[..., in]`; the output `[..., out]`. One BLAS `sgemm` per block of rows or of
/// output features (`BlockPartition`: the same blocks on any thread count).
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

    /// Applies the layer to `[..., in]`, rows or output features split into blocks over `threads` threads.
    public func callAsFunction(_ x: Tensor, threads: Int = 1) throws -> Tensor {
        guard let last = x.shape.last, last == inFeatures else {
            throw NeuralError.shape("linear input must end in \(inFeatures) features, got \(x.shape)")
        }
        let rows = x.count / inFeatures, out = outFeatures, k = inFeatures
        var outShape = x.shape
        outShape[outShape.count - 1] = out
        guard rows > 0 else { return try Tensor(zeros: outShape) }
        let beta: Float = bias == nil ? 0 : 1
        let bias = self.bias?.scalars
        // Blocks of rows when there are more rows than outputs (each block packs only its rows; the weights are
        // small), else blocks of output columns (each block packs only its weights). The blocks depend on the
        // shapes alone (BlockPartition), so every thread count makes the same BLAS calls.
        let byRows = rows >= out
        let blocks = BlockPartition(byRows ? rows : out)
        let y = try x.scalars.withUnsafeBufferPointer { a in
            try weight.scalars.withUnsafeBufferPointer { w in
                try Tensor(shape: outShape) { c in
                    // Each block writes its own rows or columns of the output.
                    nonisolated(unsafe) let (ap, wp, cp) = (a.baseAddress!, w.baseAddress!, c.baseAddress!)
                    WorkerPool.shared.forEach(blocks.count, threads: threads) { block in
                        let range = blocks[block]
                        let (r0, r1, j0, j1) = byRows ? (range.lowerBound, range.upperBound, 0, out) : (0, rows, range.lowerBound, range.upperBound)
                        for r in r0..<r1 {  // start from the bias (or zero), then add x · Wᵀ
                            let row = cp + r * out
                            if let bias {
                                for j in j0..<j1 { row[j] = bias[j] }
                            } else {
                                (row + j0).update(repeating: 0, count: j1 - j0)
                            }
                        }
                        MatrixMultiply.gemm(
                            m: r1 - r0, n: j1 - j0, k: k, a: ap + r0 * k, b: wp + j0 * k, transposeB: true,
                            c: cp + r0 * out + j0, ldc: out, beta: beta)
                    }
                }
            }
        }
        return y
    }
}

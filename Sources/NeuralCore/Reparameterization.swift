/// Structural re-parameterisation (RepLKNet, Ding et al. CVPR 2022; UniRepLKNet, Ding et al. CVPR 2024):
/// parallel depthwise branches whose outputs are summed — a large kernel, small kernels, dilated kernels, each
/// usually followed by a batch norm — are one convolution with a single large kernel.
///
/// A branch with kernel `k` and dilation `d` acts like a kernel of side `d·(k − 1) + 1` with its taps `d` apart
/// and zeros between; every branch's taps are placed, centred, on the largest side, the kernels added and the
/// biases summed. Training uses branches (PyTorch on CPU is slow at depthwise kernels of 15 and more); DetectKit
/// runs the merged kernel.
public enum Reparameterization {
    /// One branch: a depthwise convolution (stride 1, "same" padding `d·(k − 1) / 2`) and an optional batch norm.
    public struct Branch: Sendable {
        /// The convolution.
        public var conv: Conv2D
        /// The batch norm after it, if any.
        public var batchNorm: BatchNorm2D?

        /// A branch.
        public init(conv: Conv2D, batchNorm: BatchNorm2D? = nil) {
            self.conv = conv
            self.batchNorm = batchNorm
        }
    }

    /// The single depthwise convolution equal to the sum of the branches' outputs.
    public static func merge(_ branches: [Branch]) throws -> Conv2D {
        guard let first = branches.first else { throw NeuralError.shape("nothing to merge") }
        let channels = first.conv.outChannels
        var side = 1
        for b in branches {
            let c = b.conv, p = c.parameters, k = c.weight.shape[2]
            guard c.outChannels == channels, c.inChannels == channels, p.groups == channels, c.weight.shape[3] == k,
                k % 2 == 1, p.stride == (1, 1), p.dilation.0 == p.dilation.1,
                p.padding == (p.dilation.0 * (k - 1) / 2, p.dilation.0 * (k - 1) / 2)
            else {
                throw NeuralError.shape("every branch must be a depthwise \(channels)-channel conv, odd square kernel, stride 1, same padding")
            }
            side = Swift.max(side, p.dilation.0 * (k - 1) + 1)
        }
        var weight = [Float](repeating: 0, count: channels * side * side)
        var bias = [Float](repeating: 0, count: channels)
        for branch in branches {
            let conv = try branch.batchNorm.map { try $0.folded(into: branch.conv) } ?? branch.conv
            let k = conv.weight.shape[2], d = conv.parameters.dilation.0, offset = (side - (d * (k - 1) + 1)) / 2
            for c in 0..<channels {
                for ky in 0..<k {
                    for kx in 0..<k {
                        weight[(c * side + offset + ky * d) * side + offset + kx * d] += conv.weight.scalars[(c * k + ky) * k + kx]
                    }
                }
                bias[c] += conv.bias?.scalars[c] ?? 0
            }
        }
        return try Conv2D(
            weight: Tensor(shape: [channels, 1, side, side], scalars: weight), bias: Tensor(shape: [channels], scalars: bias),
            parameters: .init(padding: (side / 2, side / 2), groups: channels))
    }
}

import NeuralCore

/// The detector's layers from safetensors in either form `training/` writes: deploy (`export.py`: every BatchNorm
/// folded, each block's branches merged, names `NAME.conv.weight`/`.bias` and `BLOCK.lk.weight`/`.bias`) or
/// training (`NAME.conv.weight` + `NAME.bn.*`, `BLOCK.lk.convs.i.weight` + `BLOCK.lk.bns.i.*`), which is folded
/// and merged here. Every shape is checked against the config; errors name the tensor.
struct DetectorLayers {
    let weights: WeightReader
    let epsilon: Float

    func tensor(_ name: String, _ shape: [Int]) throws -> Tensor { try weights.tensor(name, shape) }

    func has(_ name: String) -> Bool { weights.has(name) }

    func batchNorm(_ prefix: String, _ c: Int) throws -> BatchNorm2D { try weights.batchNorm(prefix, channels: c, epsilon: epsilon) }

    /// `name.conv` (+ `name.bn` in training form): `cin / groups → cout`, `k × k`, "same" padding.
    func convolution(_ name: String, _ cin: Int, _ cout: Int, kernel k: Int, stride: Int = 1, groups: Int = 1) throws -> Conv2D {
        let parameters = Conv2D.Parameters(stride: (stride, stride), padding: ((k - 1) / 2, (k - 1) / 2), groups: groups)
        let weight = try tensor("\(name).conv.weight", [cout, cin / groups, k, k])
        if has("\(name).bn.weight") {
            return try batchNorm("\(name).bn", cout).folded(into: Conv2D(weight: weight, parameters: parameters))
        }
        return try Conv2D(weight: weight, bias: tensor("\(name).conv.bias", [cout]), parameters: parameters)
    }

    /// A plain 1×1 output convolution with bias, `name.weight`/`name.bias`.
    func output(_ name: String, _ cin: Int, _ cout: Int) throws -> Conv2D {
        try Conv2D(weight: tensor("\(name).weight", [cout, cin, 1, 1]), bias: tensor("\(name).bias", [cout]))
    }

    /// A block's large depthwise kernel: merged (`prefix.lk.weight`), or merged here from its branches.
    func largeKernel(_ prefix: String, channels c: Int, branches: [[Int]], side: Int) throws -> Conv2D {
        if has("\(prefix).lk.weight") || !has("\(prefix).lk.convs.0.weight") {
            return try Conv2D(
                weight: tensor("\(prefix).lk.weight", [c, 1, side, side]), bias: tensor("\(prefix).lk.bias", [c]),
                parameters: .init(padding: (side / 2, side / 2), groups: c))
        }
        let parts = try branches.enumerated().map { i, b -> Reparameterization.Branch in
            let (k, d) = (b[0], b[1])
            let conv = try Conv2D(
                weight: tensor("\(prefix).lk.convs.\(i).weight", [c, 1, k, k]),
                parameters: .init(padding: (d * (k - 1) / 2, d * (k - 1) / 2), dilation: (d, d), groups: c))
            return .init(conv: conv, batchNorm: try batchNorm("\(prefix).lk.bns.\(i)", c))
        }
        return try Reparameterization.merge(parts)
    }
}

/// The tensors of a weights file, taken by name with their shapes checked against what the configuration needs:
/// a tensor that is missing or shaped otherwise is ``ModelError/tensor(_:_:)`` naming it and the file.
/// Package-internal: the layers of the detector and CLIP are built from it.
package struct WeightReader {
    /// The file.
    package let file: SafeTensors

    /// A reader of `file`.
    package init(file: SafeTensors) {
        self.file = file
    }

    /// The tensor `name`, which must have `shape`.
    package func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
        guard let entry = file.entry(name) else { throw ModelError.tensor(name, "missing from \(file.source)") }
        guard entry.shape == shape else {
            throw ModelError.tensor(name, "has shape \(entry.shape) in \(file.source), the config needs \(shape)")
        }
        return try file.tensor(name)
    }

    /// Whether the file holds `name`.
    package func has(_ name: String) -> Bool { file.entry(name) != nil }

    /// `prefix.weight` `[out, in]` and `prefix.bias` `[out]` (no bias when `bias` is false).
    package func linear(_ prefix: String, in inputs: Int, out outputs: Int, bias: Bool = true) throws -> Linear {
        try Linear(
            weight: tensor("\(prefix).weight", [outputs, inputs]), bias: bias ? tensor("\(prefix).bias", [outputs]) : nil)
    }

    /// `prefix.weight` and `prefix.bias`, both `[features]`.
    package func layerNorm(_ prefix: String, features: Int, epsilon: Float) throws -> LayerNorm {
        try LayerNorm(weight: tensor("\(prefix).weight", [features]), bias: tensor("\(prefix).bias", [features]), epsilon: epsilon)
    }

    /// `prefix.running_mean`, `.running_var`, `.weight`, `.bias`, all `[channels]`.
    package func batchNorm(_ prefix: String, channels c: Int, epsilon: Float) throws -> BatchNorm2D {
        try BatchNorm2D(
            mean: tensor("\(prefix).running_mean", [c]), variance: tensor("\(prefix).running_var", [c]),
            weight: tensor("\(prefix).weight", [c]), bias: tensor("\(prefix).bias", [c]), epsilon: epsilon)
    }
}

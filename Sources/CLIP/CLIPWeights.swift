import NeuralCore

/// The tensors of a CLIP checkpoint, by Hugging Face `CLIPModel` name, with shapes checked as they are taken.
struct CLIPWeights {
    let file: SafeTensors

    /// The tensor `name`, which must have `shape`; `CLIPError.tensor` names it when it is missing or shaped
    /// otherwise.
    func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
        guard let entry = file.entry(name) else { throw CLIPError.tensor(name, "missing from \(file.source)") }
        guard entry.shape == shape else {
            throw CLIPError.tensor(name, "has shape \(entry.shape) in \(file.source), the config needs \(shape)")
        }
        return try file.tensor(name)
    }

    /// `prefix.weight` `[out, in]` and `prefix.bias` `[out]` (no bias when `bias` is false).
    func linear(_ prefix: String, in inputs: Int, out outputs: Int, bias: Bool = true) throws -> Linear {
        try Linear(
            weight: tensor("\(prefix).weight", [outputs, inputs]), bias: bias ? tensor("\(prefix).bias", [outputs]) : nil)
    }

    /// `prefix.weight` and `prefix.bias`, both `[features]`.
    func layerNorm(_ prefix: String, features: Int, epsilon: Float) throws -> LayerNorm {
        try LayerNorm(weight: tensor("\(prefix).weight", [features]), bias: tensor("\(prefix).bias", [features]), epsilon: epsilon)
    }
}

import NeuralCore

/// One pre-norm transformer layer of either CLIP tower (`CLIPEncoderLayer`):
///
///     x = x + attention(layer_norm1(x))          (causal in the text tower)
///     x = x + fc2(act(fc1(layer_norm2(x))))
struct CLIPEncoderLayer: Sendable {
    let norm1: LayerNorm, attention: MultiHeadAttention, norm2: LayerNorm, fc1: Linear, fc2: Linear
    let activation: Activation

    /// Layer `prefix` (e.g. `text_model.encoder.layers.3`) of a tower shaped `tower`.
    init(_ weights: WeightReader, prefix: String, tower: CLIPConfiguration.Tower) throws {
        let d = tower.hiddenSize, eps = tower.layerNormEpsilon
        norm1 = try weights.layerNorm("\(prefix).layer_norm1", features: d, epsilon: eps)
        norm2 = try weights.layerNorm("\(prefix).layer_norm2", features: d, epsilon: eps)
        let p = "\(prefix).self_attn"
        attention = try MultiHeadAttention(
            query: weights.linear("\(p).q_proj", in: d, out: d), key: weights.linear("\(p).k_proj", in: d, out: d),
            value: weights.linear("\(p).v_proj", in: d, out: d), output: weights.linear("\(p).out_proj", in: d, out: d),
            heads: tower.heads)
        fc1 = try weights.linear("\(prefix).mlp.fc1", in: d, out: tower.intermediateSize)
        fc2 = try weights.linear("\(prefix).mlp.fc2", in: tower.intermediateSize, out: d)
        guard let act = Activation(clipName: tower.activation) else {
            throw ModelError.input("unknown activation \(tower.activation)")
        }
        activation = act
    }

    /// The layer applied to `[N, L, D]`, matrix products spread over `threads` threads.
    func callAsFunction(_ x: Tensor, causal: Bool, threads: Int) throws -> Tensor {
        var h = try x.adding(attention(norm1(x), causal: causal, threads: threads))
        h = try h.adding(fc2(activation(fc1(norm2(h), threads: threads)), threads: threads))
        return h
    }
}

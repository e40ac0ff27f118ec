import NeuralCore

/// CLIP's text tower (`CLIPTextTransformer`): token and position embeddings, the encoder layers with a causal
/// mask, `final_layer_norm`, and the output at the end-of-text token, which ``CLIPModel`` projects into the
/// shared space. The end-of-text position is the first `eos_token_id` in the sequence, or — when the config's
/// `eos_token_id` is 2, as in older checkpoints — the position of the largest token id (`transformers`' rule).
struct CLIPTextTower: Sendable {
    let configuration: CLIPConfiguration
    let tokens: Tensor, positions: Tensor
    let layers: [CLIPEncoderLayer], finalNorm: LayerNorm

    init(_ weights: WeightReader, configuration c: CLIPConfiguration) throws {
        configuration = c
        let d = c.text.hiddenSize
        tokens = try weights.tensor("text_model.embeddings.token_embedding.weight", [c.vocabularySize, d])
        positions = try weights.tensor("text_model.embeddings.position_embedding.weight", [c.contextLength, d])
        // One by one, as the vision tower's: a huge layer count fails at the first missing tensor.
        var layers: [CLIPEncoderLayer] = []
        for i in 0..<c.text.layers {
            layers.append(try CLIPEncoderLayer(weights, prefix: "text_model.encoder.layers.\(i)", tower: c.text))
        }
        self.layers = layers
        finalNorm = try weights.layerNorm("text_model.final_layer_norm", features: d, epsilon: c.text.layerNormEpsilon)
    }

    /// Pooled outputs `[N, D]` for token sequences (each at most the context length, ids below the vocabulary
    /// size), matrix products spread over `threads` threads. Sequences of different lengths are padded at the
    /// end, which the causal mask keeps from touching any earlier position.
    func callAsFunction(_ sequences: [[Int]], threads: Int) throws -> Tensor {
        let d = configuration.text.hiddenSize
        let length = sequences.map(\.count).max() ?? 0
        guard length > 0, sequences.allSatisfy({ !$0.isEmpty }) else { throw ModelError.input("empty token sequence") }
        guard length <= configuration.contextLength else {
            throw ModelError.input("a token sequence of \(length) is longer than the context length \(configuration.contextLength)")
        }
        for s in sequences {
            if let bad = s.first(where: { $0 < 0 || $0 >= configuration.vocabularySize }) {
                throw ModelError.input("token id \(bad) is outside the vocabulary of \(configuration.vocabularySize)")
            }
        }
        let n = sequences.count
        var x = [Float](repeating: 0, count: n * length * d)
        for (i, s) in sequences.enumerated() {
            for t in 0..<length {
                let id = t < s.count ? s[t] : s[s.count - 1], row = (i * length + t) * d
                for c in 0..<d { x[row + c] = tokens.scalars[id * d + c] + positions.scalars[t * d + c] }
            }
        }
        var h = try Tensor(shape: [n, length, d], scalars: x)
        for layer in layers { h = try layer(h, causal: true, threads: threads) }
        h = try finalNorm(h)
        var pooled = [Float](repeating: 0, count: n * d)
        for (i, s) in sequences.enumerated() {
            let end = endPosition(s)
            for c in 0..<d { pooled[i * d + c] = h.scalars[(i * length + end) * d + c] }
        }
        return try Tensor(shape: [n, d], scalars: pooled)
    }

    /// Where a sequence is read out: its first end-of-text token (0 if it has none), or with the legacy
    /// `eos_token_id` 2, its largest id (the first one, as `argmax`).
    func endPosition(_ s: [Int]) -> Int {
        if configuration.endOfTextTokenID == 2 {
            var best = 0
            for (t, id) in s.enumerated() where id > s[best] { best = t }
            return best
        }
        return s.firstIndex(of: configuration.endOfTextTokenID) ?? 0
    }
}

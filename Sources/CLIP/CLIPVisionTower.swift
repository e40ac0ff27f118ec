import NeuralCore

/// CLIP's image tower (`CLIPVisionTransformer`): the image cut into `P × P` patches by a stride-`P` convolution,
/// a learned class token in front, learned position embeddings, `pre_layrnorm`, the encoder layers, and
/// `post_layernorm` of the class token's output, which ``CLIPModel`` projects into the shared space.
struct CLIPVisionTower: Sendable {
    let configuration: CLIPConfiguration
    let patches: Conv2D
    let classEmbedding: Tensor, positions: Tensor
    let preNorm: LayerNorm, layers: [CLIPEncoderLayer], postNorm: LayerNorm

    init(_ weights: WeightReader, configuration c: CLIPConfiguration) throws {
        configuration = c
        let d = c.vision.hiddenSize, p = c.patchSize, eps = c.vision.layerNormEpsilon
        let tokens = (c.imageSize / p) * (c.imageSize / p) + 1
        patches = try Conv2D(
            weight: weights.tensor("vision_model.embeddings.patch_embedding.weight", [d, 3, p, p]),
            parameters: .init(stride: (p, p)))
        classEmbedding = try weights.tensor("vision_model.embeddings.class_embedding", [d])
        positions = try weights.tensor("vision_model.embeddings.position_embedding.weight", [tokens, d])
        preNorm = try weights.layerNorm("vision_model.pre_layrnorm", features: d, epsilon: eps)
        // One by one, not mapped over the range: a config claiming a billion layers fails at the first missing
        // tensor instead of reserving room for them all.
        var layers: [CLIPEncoderLayer] = []
        for i in 0..<c.vision.layers {
            layers.append(try CLIPEncoderLayer(weights, prefix: "vision_model.encoder.layers.\(i)", tower: c.vision))
        }
        self.layers = layers
        postNorm = try weights.layerNorm("vision_model.post_layernorm", features: d, epsilon: eps)
    }

    /// Pooled outputs `[N, D]` for normalised pixels `[N, 3, S, S]`.
    func callAsFunction(_ pixels: Tensor, threads: Int) throws -> Tensor {
        let s = configuration.imageSize
        guard pixels.rank == 4, pixels.shape[1] == 3, pixels.shape[2] == s, pixels.shape[3] == s else {
            throw ModelError.input("pixel values must be [N, 3, \(s), \(s)], got \(pixels.shape)")
        }
        let n = pixels.shape[0], d = configuration.vision.hiddenSize
        let grid = try patches(pixels, threads: threads)  // [N, D, g, g]
        let g = grid.shape[2] * grid.shape[3], tokens = g + 1
        var x = [Float](repeating: 0, count: n * tokens * d)
        for i in 0..<n {
            for c in 0..<d { x[(i * tokens) * d + c] = classEmbedding.scalars[c] + positions.scalars[c] }
            for t in 0..<g {
                let row = (i * tokens + t + 1) * d, position = (t + 1) * d
                for c in 0..<d { x[row + c] = grid.scalars[(i * d + c) * g + t] + positions.scalars[position + c] }
            }
        }
        var h = try preNorm(Tensor(shape: [n, tokens, d], scalars: x))
        for layer in layers { h = try layer(h, causal: false, threads: threads) }
        var pooled = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for c in 0..<d { pooled[i * d + c] = h.scalars[(i * tokens) * d + c] } }
        return try postNorm(Tensor(shape: [n, d], scalars: pooled))
    }
}

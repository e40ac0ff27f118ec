import Foundation
import NeuralCore
import Testing

/// Multi-head self-attention against PyTorch's `scaled_dot_product_attention` with CLIP-style projections
/// (`Fixtures/neural/attention.safetensors`).
@Suite struct AttentionTests {
    @Test(arguments: [false, true])
    func matchesPyTorch(causal: Bool) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/neural/attention", withExtension: "safetensors"))
        let f = try SafeTensors(contentsOf: url.path)
        func linear(_ p: String) throws -> Linear { try Linear(weight: f.tensor("\(p).weight"), bias: f.tensor("\(p).bias")) }
        let attention = try MultiHeadAttention(
            query: linear("q"), key: linear("k"), value: linear("v"), output: linear("o"), heads: 4)
        let out = try attention(f.tensor("input"), causal: causal)
        let expected = try f.tensor(causal ? "output_causal" : "output")
        #expect(out.shape == expected.shape)
        let worst = zip(out.scalars, expected.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(worst < 1e-4, "\(worst)")
    }

    @Test func badShapesAreRejected() throws {
        let p = try Linear(weight: Tensor(zeros: [6, 6]))
        #expect(throws: NeuralError.self) { try MultiHeadAttention(query: p, key: p, value: p, output: p, heads: 4) }
        let attention = try MultiHeadAttention(query: p, key: p, value: p, output: p, heads: 3)
        #expect(throws: NeuralError.self) { try attention(Tensor(zeros: [1, 5, 7])) }
    }
}

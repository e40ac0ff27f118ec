import DetectKitTestSupport
import Foundation
import NeuralCore
import Testing

/// Activations, softmax and layer norm against PyTorch (`Fixtures/neural/elementwise.safetensors`).
@Suite struct ElementwiseTests {
    static func file() throws -> SafeTensors {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/neural/elementwise", withExtension: "safetensors"))
        return try SafeTensors(contentsOf: url.path)
    }

    @Test(arguments: [(Activation.relu, "relu"), (.gelu, "gelu"), (.geluTanh, "gelu_tanh"), (.silu, "silu")])
    func activationsMatchPyTorch(activation: Activation, name: String) throws {
        let f = try Self.file()
        let out = activation(try f.tensor("input"))
        #expect(worstRelativeError(out, try f.tensor(name)) < 1e-5, "\(name)")
    }

    @Test func softmaxAndLayerNormMatchPyTorch() throws {
        let f = try Self.file()
        let x = try f.tensor("input")
        #expect(worstRelativeError(try softmax(x), try f.tensor("softmax")) < 1e-6)
        let ln = try LayerNorm(weight: f.tensor("ln_weight"), bias: f.tensor("ln_bias"))
        #expect(worstRelativeError(try ln(x), try f.tensor("layer_norm")) < 1e-5)
    }

    @Test func softmaxIsStableAndShapesAreChecked() throws {
        let big = try Tensor(shape: [1, 3], scalars: [1000, 1001, 1002])
        let s = try softmax(big)
        #expect(s.scalars.allSatisfy { $0.isFinite } && abs(s.scalars.reduce(0, +) - 1) < 1e-6)
        #expect(throws: NeuralError.self) { try softmax(Tensor(zeros: [2, 0])) }
        #expect(throws: NeuralError.self) { try LayerNorm(weight: Tensor(zeros: [3]), bias: Tensor(zeros: [4])) }
        let ln = try LayerNorm(weight: Tensor(zeros: [3]), bias: Tensor(zeros: [3]))
        #expect(throws: NeuralError.self) { try ln(Tensor(zeros: [2, 4])) }
    }
}

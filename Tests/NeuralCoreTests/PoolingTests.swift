import Foundation
import NeuralCore
import Testing

/// Pooling and upsampling against PyTorch (`Fixtures/neural/pooling.safetensors`).
@Suite struct PoolingTests {
    @Test func matchesPyTorch() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/neural/pooling", withExtension: "safetensors"))
        let f = try SafeTensors(contentsOf: url.path)
        let x = try f.tensor("input")
        let cases: [(String, Tensor)] = [
            ("max_k3_s2_p1", try Pool2D(.max, kernel: 3, stride: 2, padding: 1)(x)),
            ("max_k2", try Pool2D(.max, kernel: 2)(x)),
            ("avg_k3_s1_p1", try Pool2D(.average, kernel: 3, stride: 1, padding: 1)(x)),
            ("avg_k2", try Pool2D(.average, kernel: 2)(x)),
            ("nearest_x2", try Upsample.nearest(scale: 2)(x)),
            ("bilinear_x2", try Upsample.bilinear(scale: 2)(x)),
            ("bilinear_x3", try Upsample.bilinear(scale: 3)(x)),
        ]
        for (name, out) in cases {
            let expected = try f.tensor(name)
            #expect(out.shape == expected.shape, "\(name)")
            let worst = zip(out.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-5, "\(name): \(worst)")
        }
    }

    @Test func badParametersAreRejected() throws {
        #expect(throws: NeuralError.self) { try Pool2D(.max, kernel: 0) }
        #expect(throws: NeuralError.self) { try Pool2D(.max, kernel: 3, padding: 2) }
        #expect(throws: NeuralError.self) { try Pool2D(.average, kernel: 5)(Tensor(zeros: [1, 1, 3, 3])) }
        #expect(throws: NeuralError.self) { try Upsample.nearest(scale: 0)(Tensor(zeros: [1, 1, 3, 3])) }
    }
}

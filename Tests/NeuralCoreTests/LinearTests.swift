import Foundation
import NeuralCore
import Testing

@Suite struct LinearTests {
    /// BLAS sgemm against the scalar reference, both layouts, odd sizes, with and without accumulation.
    @Test func gemmMatchesReference() throws {
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 33, 65), (64, 1, 300)] {
            let a = try DepthwiseConv2DTests.random([m, k], seed: UInt64(m)).scalars
            let b = try DepthwiseConv2DTests.random([k, n], seed: UInt64(n)).scalars
            let c0 = try DepthwiseConv2DTests.random([m, n], seed: 5).scalars
            for transposeB in [false, true] {
                for beta: Float in [0, 1] {
                    var c = c0
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            c.withUnsafeMutableBufferPointer { cp in
                                MatrixMultiply.gemm(
                                    m: m, n: n, k: k, a: ap.baseAddress!, b: bp.baseAddress!, transposeB: transposeB,
                                    c: cp.baseAddress!, beta: beta)
                            }
                        }
                    }
                    let expected = MatrixMultiply.reference(m: m, n: n, k: k, a: a, b: b, transposeB: transposeB, c: c0, beta: beta)
                    let worst = zip(c, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
                    #expect(worst < 1e-5, "\(m)x\(n)x\(k) transposeB \(transposeB) beta \(beta): \(worst)")
                }
            }
        }
    }

    /// Against `torch.nn.functional.linear` (`Fixtures/neural/linear.safetensors`), to 1e-4 relative.
    @Test func matchesPyTorch() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/neural/linear", withExtension: "safetensors"))
        let file = try SafeTensors(contentsOf: url.path)
        let x = try file.tensor("input")
        for (layer, name) in [(try Linear(weight: file.tensor("weight"), bias: file.tensor("bias")), "output"),
                              (try Linear(weight: file.tensor("weight")), "output_nobias")] {
            let y = try layer(x)
            let expected = try file.tensor(name)
            #expect(y.shape == expected.shape)
            let worst = zip(y.scalars, expected.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst < 1e-4, "\(name): \(worst)")
        }
    }

    @Test func badShapesAreRejected() throws {
        #expect(throws: NeuralError.self) { try Linear(weight: Tensor(zeros: [3])) }
        #expect(throws: NeuralError.self) { try Linear(weight: Tensor(zeros: [3, 4]), bias: Tensor(zeros: [4])) }
        let layer = try Linear(weight: Tensor(zeros: [3, 4]))
        #expect(throws: NeuralError.self) { try layer(Tensor(zeros: [2, 5])) }
        #expect(try layer(Tensor(zeros: [0, 4])).shape == [0, 3])
    }
}
